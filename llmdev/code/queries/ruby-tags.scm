; Definitions
(class name: [(constant) (scope_resolution name: (_))] @name) @definition.class
(module name: [(constant) (scope_resolution name: (_))] @name) @definition.module
[(method name: (_) @name) (singleton_method name: (_) @name)] @definition.method

; References
(call method: (identifier) @reference.call)
(superclass (constant) @reference.class)
(call receiver: (constant) @reference.class)
