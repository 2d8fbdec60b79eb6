# bash completion for crpv(1): commands, options, and for the options that
# name a file, only the files of the right kind (and folders, to go down).

_crpv_files()
{
    # $1: the word being completed; $2: the extensions, an extglob ("csv|CSV").
    local cur=$1 pattern=$2 IFS=$'\n'
    local restore
    restore=$(shopt -p extglob)
    shopt -s extglob
    COMPREPLY=($(compgen -f -X "!*.@($pattern)" -- "$cur") $(compgen -d -- "$cur"))
    eval "$restore"
    compopt -o filenames 2>/dev/null
}

_crpv()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="build brochure map check watch init"
    local options="--data --geo --fonts --out --centres --feuille --prose --style --regions
        --departements --print --icc --format --width --scale --url-base --quiet --verbose
        --version --help"
    local with_value=" --data --geo --fonts --out --centres --feuille --prose --style --regions
        --departements --icc --format --width --scale --url-base "

    # The command is the first word that is neither an option nor an
    # option's value.
    local cmd="" i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -* ]]; then
            [[ $with_value == *" $word "* ]] && ((i++))
        elif [[ -z $cmd ]]; then
            cmd=$word
        fi
    done

    case $prev in
        --data | --geo | --fonts | --out)
            local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        --centres) _crpv_files "$cur" "csv|CSV|ods|ODS|xlsx|XLSX"; return ;;
        --feuille) return ;;
        --prose) _crpv_files "$cur" "md|MD|markdown"; return ;;
        --style) _crpv_files "$cur" "ini|INI"; return ;;
        --icc) _crpv_files "$cur" "icc|ICC|icm|ICM"; return ;;
        --regions | --departements) _crpv_files "$cur" "shp|SHP"; return ;;
        --format)
            local formats="pdf svg png html"
            [[ $cmd == brochure ]] && formats="pdf svg png"
            COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            return
            ;;
        --width | --scale | --url-base)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ $cmd == init ]]; then
        local IFS=$'\n'
        COMPREPLY=($(compgen -d -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
}

complete -F _crpv crpv
