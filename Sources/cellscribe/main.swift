import CellScribeCLI

await CellScribe.main()
