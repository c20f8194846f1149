import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import CellScribeCLI

/// Parsing, help and output of the `cellscribe` command line.
@Suite("command line")
struct CommandLineTests {
    /// Help texts must match the snapshots in Tests/Fixtures/cli. After an intended change, regenerate
    /// them with `cellscribe --help > Tests/Fixtures/cli/help.txt` (and `cellscribe info --help > ...`,
    /// `cellscribe bench engine --help > ...`, `cellscribe train --help > ...`, `cellscribe predict --help > ...`,
    /// `cellscribe scribbles --help > ...`, `cellscribe serve --help > ...`).
    @Test(
        "help matches the committed snapshots",
        arguments: [
            "help.txt", "info-help.txt", "bench-engine-help.txt", "train-help.txt", "predict-help.txt",
            "scribbles-help.txt",
            "serve-help.txt", "users-add-help.txt",
        ])
    func helpSnapshots(file: String) throws {
        let expected = try String(contentsOf: Fixtures.url("cli/\(file)"), encoding: .utf8)
        let commands: [String: any ParsableCommand.Type] = [
            "help.txt": CellScribe.self, "info-help.txt": InfoCommand.self,
            "bench-engine-help.txt": EngineBenchCommand.self,
            "train-help.txt": TrainCommand.self, "predict-help.txt": PredictCommand.self,
            "scribbles-help.txt": ScribblesCommand.self, "serve-help.txt": ServeCommand.self,
            "users-add-help.txt": UsersCommand.Add.self,
        ]
        let command = try #require(commands[file])
        let help = CellScribe.helpMessage(for: command, columns: 80)
        #expect(help + "\n" == expected)
    }

    @Test("--version prints the version")
    func version() {
        do {
            _ = try CellScribe.parseAsRoot(["--version"])
            Issue.record("--version did not exit")
        } catch {
            #expect(CellScribe.message(for: error) == CellScribe.version)
        }
    }

    @Test(
        "info needs at least one file, and rejects unknown options",
        arguments: [
            ["info"], ["info", "--frobnicate", "a.tif"], ["info", "--max-image-mb", "lots", "a.tif"],
        ])
    func badArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { try CellScribe.parseAsRoot(arguments) }
    }

    @Test("info exits with status 1 when a file fails, after describing the others")
    func exitStatus() throws {
        var command = try InfoCommand.parse([Fixtures.url("tiff/uint32_5x7.tif").path, "/nonexistent/x.tif"])
        #expect(throws: ExitCode(1)) { try command.run() }
        command = try InfoCommand.parse([Fixtures.url("tiff/uint32_5x7.tif").path])
        try command.run()
    }

    @Test("--json output is an array of objects with the report's fields")
    func jsonOutput() throws {
        let reports = [
            FileReport(url: Fixtures.url("tiff/dsb2018_label_00071198.tif"), limits: .standard),
            FileReport(url: Fixtures.url("nope.png"), limits: .standard),
        ]
        let text = try InfoCommand.render(reports, json: true)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        #expect(objects[0]["kind"] as? String == "label image")
        #expect(objects[0]["instances"] as? Int == 27)
        #expect(objects[0]["shape"] as? [Int] == [256, 256])
        #expect(objects[1]["error"] as? String != nil)
        #expect(try JSONDecoder().decode([FileReport].self, from: Data(text.utf8)) == reports)
    }

    @Test("text output names every field")
    func textOutput() throws {
        let text = try InfoCommand.render(
            [FileReport(url: Fixtures.url("tiff/vectra_image0.tif"), limits: .standard)], json: false)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("  format:    TIFF"))
        #expect(lines.contains("  shape:     2 x 400 x 400 (C, Y, X)"))
        #expect(lines.contains("  dtype:     float32"))
        #expect(lines.contains("  range:     0 .. 37.3766"))
        #expect(lines.contains("  spacing:   y 0.498737, x 0.498737 micron"))
    }
}
