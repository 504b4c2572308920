from lint_rules.cli import main

main()
