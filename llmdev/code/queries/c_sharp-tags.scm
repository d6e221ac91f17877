; Definitions
[(class_declaration name: (identifier) @name)
 (struct_declaration name: (identifier) @name)
 (record_declaration name: (identifier) @name)] @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(namespace_declaration name: (_) @name) @definition.module
[(method_declaration name: (identifier) @name)
 (constructor_declaration name: (identifier) @name)] @definition.method
(property_declaration name: (identifier) @name) @definition.property

; References
(invocation_expression function: (identifier) @reference.call)
(invocation_expression function: (member_access_expression name: (identifier) @reference.call))
(object_creation_expression type: (identifier) @reference.class)
(base_list (identifier) @reference.class)
