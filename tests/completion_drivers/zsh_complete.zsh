# Print what zsh's completion system (compinit) offers for a command line, one candidate a line.
# usage: zsh -f zsh_complete.zsh DIR_WITH__llmdev "command line"
# An interactive zsh runs in a pseudo-terminal (zpty); compadd is wrapped to print what it adds.
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PROMPT='@P''@'; RPROMPT=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "<<$h>>"; done; builtin compadd "$@" }'
zpty -w z 'bindkey "^I" complete-word'
zpty -w z "print -r -- @@REA''DY@@"
local out="" line
zpty -r z line '*@@READY@@*'
zpty -r z line '*@P@*'  # the prompt after it: the line editor is listening
zpty -w -n z "$2"$'\t'
# Runs after the completion: the first output of the word below ends the reading.
zpty -w z $'\C-e\C-u'"print -r -- @@DO''NE@@"
out=""
while zpty -r -t z line || { sleep 0.05; true }; do
    out+="$line"
    [[ $out == *@@DONE@@* ]] && break
done
print -r -- "$out" | grep -o '<<[^>]*>>' | sed 's/^<<//; s/>>$//' | sort -u
zpty -d z
