import ArgumentParser
import Evaluation
import Foundation
import ImageFormats
import Imaging
import TestSupport
import Testing

@testable import CellScribeCLI

/// `cellscribe evaluate` end to end on tiny label files written by the test into a temporary folder.
@Suite("evaluate command")
struct EvaluateCommandTests {
    /// A temporary folder with `pred/` and `truth/`, removed by `remove()`.
    struct Workspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("evaluate-\(UUID().uuidString)")
        var pred: URL { root.appendingPathComponent("pred") }
        var truth: URL { root.appendingPathComponent("truth") }

        init() throws {
            for folder in [pred, truth] {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
        }

        func write(_ labels: LabelImage, _ folder: URL, _ name: String) throws {
            try ImageFormats.write(labels, to: folder.appendingPathComponent(name))
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func boxes(_ shape: [Int], _ boxes: [(label: UInt32, y: Int, x: Int, h: Int, w: Int)], value: UInt32? = nil)
        throws -> LabelImage
    {
        var labels = [UInt32](repeating: 0, count: shape[0] * shape[1])
        for b in boxes {
            for y in b.y..<(b.y + b.h) { for x in b.x..<(b.x + b.w) { labels[y * shape[1] + x] = value ?? b.label } }
        }
        return try LabelImage(shape: shape, labels: labels)
    }

    static func ball(radius r: Double) throws -> LabelImage {
        let (d, h, w) = (7, 12, 12)
        var labels = [UInt32](repeating: 0, count: d * h * w)
        for z in 0..<d {
            for y in 0..<h {
                for x in 0..<w {
                    let (dz, dy, dx) = (Double(z) - 3, Double(y) - 6, Double(x) - 6)
                    if dz * dz + dy * dy + dx * dx <= r * r { labels[(z * h + y) * w + x] = 5 }
                }
            }
        }
        return try LabelImage(shape: [d, h, w], labels: labels)
    }

    /// Image a (PNG truth, TIFF prediction): box S1 predicted 2 columns off (IoU 80/120), box S2 missed, a
    /// spurious 5x5 prediction. Image b: a 3D ball predicted exactly. Image c: a binary-mask truth (0/255)
    /// with two boxes, predicted exactly as labels. Plus a_prob.tif (ignored) and d.tif (no truth).
    static func makeDataset() throws -> (Workspace, ballVolume: Int) {
        let w = try Workspace()
        try w.write(boxes([32, 32], [(1, 2, 2, 10, 10), (2, 20, 20, 10, 10)]), w.truth, "a.png")
        try w.write(boxes([32, 32], [(7, 2, 4, 10, 10), (3, 2, 25, 5, 5)]), w.pred, "a.tif")
        let ball = try ball(radius: 3)
        try w.write(ball, w.truth, "b.tif")
        try w.write(ball, w.pred, "b.tif")
        try w.write(boxes([16, 16], [(1, 1, 1, 4, 5), (2, 8, 8, 5, 5)], value: 255), w.truth, "c.png")
        try w.write(boxes([16, 16], [(1, 1, 1, 4, 5), (2, 8, 8, 5, 5)]), w.pred, "c.tif")
        try w.write(boxes([32, 32], [(1, 0, 0, 3, 3)]), w.pred, "a_prob.tif")
        try w.write(boxes([32, 32], [(1, 0, 0, 3, 3)]), w.pred, "d.tif")
        return (w, ball.labels.filter { $0 != 0 }.count)
    }

    @Test("--json: pooled numbers over a 2D PNG/TIFF pair, a 3D stack and a binary-mask truth")
    func jsonEndToEnd() throws {
        let (w, ballVolume) = try Self.makeDataset()
        defer { w.remove() }
        let command = try EvaluateCommand.parse(["--pred", w.pred.path, "--truth", w.truth.path, "--json"])
        let (dataset, _, warnings) = try command.evaluate()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("'d.tif'") == true)
        let text = command.render(dataset, warnings: warnings)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["images"] as? Int == 3)
        #expect(summary["trueObjects"] as? Int == 5)
        #expect(summary["predictedObjects"] as? Int == 5)
        // At 0.5: TP 1 + 1 + 2, FP 1, FN 1. At 0.7 the shifted box (IoU 2/3) no longer matches.
        #expect(summary["apAt50"] as? Double == 4.0 / 6.0)
        #expect(summary["precisionAt50"] as? Double == 0.8)
        #expect(summary["recallAt50"] as? Double == 0.8)
        #expect(summary["f1At50"] as? Double == 0.8)
        let pq = try #require(summary["pqAt50"] as? Double)
        #expect(abs(pq - (2.0 / 3.0 + 1 + 2) / 5) < 1e-12)
        let thresholds = try #require(object["thresholds"] as? [[String: Any]])
        #expect(thresholds[4]["threshold"] as? Double == 0.7)
        #expect(thresholds[4]["ap"] as? Double == 3.0 / 7.0)
        // AJI: a adds I 80, U 120 + 100 (missed S2) + 25 (spurious); b adds I = U = the ball, c I = U = 20 + 25.
        let aji = try #require(summary["aji"] as? Double)
        #expect(abs(aji - Double(80 + ballVolume + 45) / Double(245 + ballVolume + 45)) < 1e-12)
        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.map { $0["name"] as? String } == ["a", "b", "c"])
        #expect(images[1]["shape"] as? [Int] == [7, 12, 12])
        #expect(images[0]["truth"] as? String == "a.png")
        let notes = try #require(images[2]["notes"] as? [String])
        #expect(notes.contains { $0.contains("ground truth is a binary mask (0 and 255)") && $0.contains("(2)") })
    }

    @Test("text output: headline table, threshold table and notes")
    func textOutput() throws {
        let (w, _) = try Self.makeDataset()
        defer { w.remove() }
        let command = try EvaluateCommand.parse(["--pred", w.pred.path, "--truth", w.truth.path])
        let (dataset, _, warnings) = try command.evaluate()
        let lines = command.render(dataset, warnings: warnings).split(separator: "\n").map(String.init)
        #expect(lines.first == "Scored 3 images: 5 true objects, 5 predicted objects (counts pooled over images).")
        #expect(lines.contains("  AP@0.50               0.6667"))
        #expect(lines.contains("  F1@0.50               0.8000"))
        #expect(lines.contains { $0.hasPrefix("  mean AP 0.50:0.95") })
        #expect(lines.contains { $0.hasPrefix("  foreground IoU") })
        #expect(lines.contains("      0.70       3       2       2  0.4286  0.6000  0.6000  0.6000  0.6000  0.6667"))
        #expect(lines.contains { $0.hasPrefix("  c: the ground truth is a binary mask") })
    }

    @Test("--csv and --plots write the files, creating the plot folder")
    func files() throws {
        let (w, _) = try Self.makeDataset()
        defer { w.remove() }
        let csv = w.root.appendingPathComponent("scores.csv").path
        let plots = w.root.appendingPathComponent("plots/run1").path
        let command = try EvaluateCommand.parse([
            "--pred", w.pred.path, "--truth", w.truth.path, "--csv", csv, "--plots", plots,
        ])
        try command.writeFiles(try command.evaluate().0)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 4)
        #expect(rows[1].hasPrefix("a,a.tif,a.png,32x32,2,2,1,1,1,"))
        #expect(FileManager.default.fileExists(atPath: w.root.appendingPathComponent("scores_thresholds.csv").path))
        #expect(FileManager.default.fileExists(atPath: w.root.appendingPathComponent("scores_size_bins.csv").path))
        let svgs = try FileManager.default.contentsOfDirectory(atPath: plots).sorted()
        #expect(svgs == [DatasetEvaluation.thresholdPlotName, DatasetEvaluation.sizeBinPlotName].sorted())
    }

    @Test("no matching stems: the error lists stems of both sides")
    func noMatchingStems() throws {
        let w = try Workspace()
        defer { w.remove() }
        let box = try Self.boxes([8, 8], [(1, 1, 1, 3, 3)])
        try w.write(box, w.pred, "x.tif")
        try w.write(box, w.pred, "x_prob.tif")
        try w.write(box, w.truth, "y.png")
        let command = try EvaluateCommand.parse(["--pred", w.pred.path, "--truth", w.truth.path])
        #expect(
            throws: EvaluationError.noMatchingStems(
                predictionFolder: w.pred.path, predictionStems: ["x"], truthFolder: w.truth.path, truthStems: ["y"])
        ) { try command.evaluate() }
    }

    @Test("shape mismatch: the error names the image, both files and both shapes")
    func shapeMismatch() throws {
        let w = try Workspace()
        defer { w.remove() }
        try w.write(Self.boxes([8, 8], [(1, 1, 1, 3, 3)]), w.pred, "a.tif")
        try w.write(Self.boxes([8, 9], [(1, 1, 1, 3, 3), (2, 5, 5, 2, 2)]), w.truth, "a.png")
        let command = try EvaluateCommand.parse(["--pred", w.pred.path, "--truth", w.truth.path])
        do {
            _ = try command.evaluate()
            Issue.record("a shape mismatch was accepted")
        } catch {
            #expect(
                "\(error)"
                    == "image 'a': the prediction 'a.tif' has shape [8, 8] but the ground truth 'a.png' has "
                    + "shape [8, 9]; both must cover the same pixels")
        }
    }

    @Test("a missing folder, two files with one stem and bad --size-bins are refused")
    func otherErrors() throws {
        let w = try Workspace()
        defer { w.remove() }
        let missing = w.root.appendingPathComponent("nope").path
        #expect(throws: EvaluationError.missingFolder(role: "prediction", path: missing)) {
            try EvaluateCommand.parse(["--pred", missing, "--truth", w.truth.path]).evaluate()
        }
        let box = try Self.boxes([8, 8], [(1, 1, 1, 3, 3)])
        try w.write(box, w.truth, "a.png")
        try w.write(box, w.truth, "a.tif")
        #expect(throws: EvaluationError.duplicateStem(folder: w.truth.path, stem: "a", files: ["a.png", "a.tif"])) {
            try EvaluateCommand.parse(["--pred", w.pred.path, "--truth", w.truth.path]).evaluate()
        }
        #expect(throws: (any Error).self) {
            try CellScribe.parseAsRoot(["evaluate", "--pred", "p", "--truth", "t", "--size-bins", "400,100"])
        }
        #expect(throws: (any Error).self) {
            try CellScribe.parseAsRoot(["evaluate", "--pred", "p", "--truth", "t", "--size-bins", "a,b"])
        }
        #expect(throws: (any Error).self) { try CellScribe.parseAsRoot(["evaluate", "--truth", "t"]) }
    }

    @Test("stems drop the extension and an .ome before .tif")
    func stems() {
        #expect(EvaluatePairing.stem(of: "a.tif") == "a")
        #expect(EvaluatePairing.stem(of: "a.b.png") == "a.b")
        #expect(EvaluatePairing.stem(of: "cell_01.ome.tiff") == "cell_01")
    }

    /// Regenerate with `cellscribe evaluate --help > Tests/Fixtures/cli/evaluate-help.txt` after an intended change.
    @Test("evaluate --help matches the committed snapshot")
    func helpSnapshot() throws {
        let expected = try String(contentsOf: Fixtures.url("cli/evaluate-help.txt"), encoding: .utf8)
        #expect(CellScribe.helpMessage(for: EvaluateCommand.self, columns: 80) + "\n" == expected)
    }
}
