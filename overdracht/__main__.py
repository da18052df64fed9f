from overdracht.cli import main

main()
