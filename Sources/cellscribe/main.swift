import CellScribeCLI

await CellScribe.runFromCommandLine()
