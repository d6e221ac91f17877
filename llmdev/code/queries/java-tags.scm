; Definitions
[(class_declaration name: (identifier) @name)
 (record_declaration name: (identifier) @name)] @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(annotation_type_declaration name: (identifier) @name) @definition.interface
[(method_declaration name: (identifier) @name)
 (constructor_declaration name: (identifier) @name)] @definition.method

; References
(method_invocation name: (identifier) @reference.call)
(object_creation_expression type: (type_identifier) @reference.class)
(type_identifier) @reference.type
