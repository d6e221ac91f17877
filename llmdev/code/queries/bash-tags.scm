; Definitions
(function_definition name: (word) @name) @definition.function

; References: every command that is run
(command name: (command_name (word) @reference.call))
