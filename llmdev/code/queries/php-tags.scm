; Definitions
(namespace_definition name: (namespace_name) @name) @definition.module
[(interface_declaration name: (name) @name)
 (trait_declaration name: (name) @name)] @definition.interface
(class_declaration name: (name) @name) @definition.class
(enum_declaration name: (name) @name) @definition.enum
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name) @definition.method

; References
(function_call_expression function: (name) @reference.call)
(function_call_expression function: (qualified_name (name) @reference.call))
(member_call_expression name: (name) @reference.call)
(scoped_call_expression name: (name) @reference.call)
(object_creation_expression (name) @reference.class)
(object_creation_expression (qualified_name (name) @reference.class))
(base_clause (name) @reference.class)
(class_interface_clause (name) @reference.class)
