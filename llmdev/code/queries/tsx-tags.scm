; Definitions
[(class_declaration name: (_) @name)
 (abstract_class_declaration name: (_) @name)
 (class name: (_) @name)] @definition.class
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
[(function_declaration name: (identifier) @name)
 (generator_function_declaration name: (identifier) @name)
 (function_signature name: (identifier) @name)] @definition.function
[(method_definition name: (_) @name)
 (method_signature name: (_) @name)
 (abstract_method_signature name: (_) @name)] @definition.method
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression)]) @definition.function
(internal_module name: (_) @name) @definition.module
(module name: (_) @name) @definition.module

; References
(call_expression function: (identifier) @reference.call)
(call_expression function: (member_expression property: (property_identifier) @reference.call))
(new_expression constructor: (identifier) @reference.class)
(extends_clause value: (identifier) @reference.class)
(implements_clause (type_identifier) @reference.type)
(type_annotation (type_identifier) @reference.type)
(generic_type name: (type_identifier) @reference.type)
(import_specifier name: (identifier) @reference.import)
