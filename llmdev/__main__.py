from llmdev.cli import main

main()
