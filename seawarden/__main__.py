from seawarden.cli import main

main()
