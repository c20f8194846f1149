import Foundation
import Imaging
import Testing

@testable import Evaluation

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("reports")
struct ReportTests {
    @Test("JSON: sections in a fixed order, numbers that read back, per-image rows")
    func json() throws {
        let text = try DatasetEvaluationTests.dataset().jsonReport(warnings: ["x has no partner"]).rendered()
        let keys = ["summary", "thresholds", "sizeBins", "pixels", "images", "warnings"]
        let positions = keys.map { text.range(of: "\n  \"\($0)\": ")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["apAt50"] as? Double == 0.6)
        #expect(summary["trueObjects"] as? Int == 5)
        let thresholds = try #require(object["thresholds"] as? [[String: Any]])
        #expect(thresholds.count == 10)
        #expect(thresholds[1]["threshold"] as? Double == 0.55)
        #expect(thresholds[0]["fn"] as? Int == 2)
        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.map { $0["name"] as? String } == ["all", "half"])
        #expect(images[1]["apAt50"] as? Double == 1.0 / 3.0)
        #expect(object["warnings"] as? [String] == ["x has no partner"])
    }

    @Test("JSON strings are escaped and non-finite numbers become null")
    func jsonEscaping() {
        let value = JSONValue.object([("a\"b", .string("line\nbreak\u{1}")), ("n", .number(.nan)), ("z", .number(0.1))])
        #expect(value.rendered(pretty: false) == #"{"a\"b":"line\nbreak\u0001","n":null,"z":0.1}"#)
    }

    @Test("CSV: a header and one row per image or threshold; fields with commas are quoted")
    func csv() throws {
        var dataset = try DatasetEvaluationTests.dataset()
        let box = try Shapes.boxes(height: 4, width: 4, [(1, 0, 0, 2, 2)])
        dataset.add(try ImageEvaluation(name: "a,b", predicted: box, truth: box))
        let images = dataset.imagesCSV().split(separator: "\n").map(String.init)
        #expect(images.count == 4)
        #expect(images[0].hasPrefix("name,prediction,truth,shape,true_objects"))
        #expect(images[3].hasPrefix("\"a,b\",,,4x4,1,1,1,0,0,1.0,"))
        let thresholds = dataset.thresholdsCSV().split(separator: "\n")
        #expect(thresholds.count == 11)
        #expect(thresholds[1].hasPrefix("0.5,4,0,2,0.6666666666666666,"))
        #expect(dataset.sizeBinsCSV().split(separator: "\n").count == 5)
    }

    @Test("SVG plots are well-formed and carry title, legend and tick labels")
    func plots() throws {
        let dataset = try DatasetEvaluationTests.dataset()
        for svg in [dataset.thresholdPlot(), dataset.sizeBinPlot()] {
            #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.contains(">F1</text>"))
            #expect(svg.contains(">0.6</text>"))
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        }
        #expect(dataset.thresholdPlot().contains(">0.95</text>"))
        #expect(dataset.thresholdPlot().contains(">AP</text>"))
        #expect(dataset.sizeBinPlot().contains(">&lt;100</text>"))
        #expect(dataset.sizeBinPlot().contains(">n = 5</text>"))
    }

    @Test("reports are written atomically: complete file, no temporary left, clear error for a missing folder")
    func atomicWrite() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try DatasetEvaluationTests.dataset()
        let paths = try dataset.writePlots(toFolder: folder.path)
        try ReportFile.write("old", toPath: folder.path + "/r.csv")
        try ReportFile.write(dataset.imagesCSV(), toPath: folder.path + "/r.csv")
        #expect(try String(contentsOfFile: folder.path + "/r.csv", encoding: .utf8) == dataset.imagesCSV())
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                == [
                    DatasetEvaluation.thresholdPlotName, "r.csv", DatasetEvaluation.sizeBinPlotName,
                ].sorted())
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == dataset.thresholdPlot())
        let missing = folder.path + "/no/such/r.csv"
        #expect(throws: EvaluationError.writeFailed(path: missing, reason: "No such file or directory")) {
            try ReportFile.write("x", toPath: missing)
        }
    }
}
