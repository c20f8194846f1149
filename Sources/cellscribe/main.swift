import CellScribeCLI

CellScribe.main()
