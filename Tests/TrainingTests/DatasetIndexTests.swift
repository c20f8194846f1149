import Foundation
import Testing

@testable import Training

/// A fresh temporary folder for one test.
func temporaryFolder(_ name: String = #function) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("cellscribe-training-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

func touch(_ url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data([0]).write(to: url)
}

struct DatasetIndexTests {
    @Test func foldersPairFilesByStemAndSkipOthers() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in [
            "images/a.png", "images/b.tif", "images/notes.txt", "images/c.png", "labels/a.tif", "labels/b.png",
        ] {
            try touch(root.appendingPathComponent(name))
        }
        let entries = try DatasetIndex.folders(
            images: root.appendingPathComponent("images"), labels: root.appendingPathComponent("labels"))
        #expect(entries.map(\.stem) == ["a", "b"])
        #expect(entries[1].labels.lastPathComponent == "b.png")
        // For self-supervision the unlabelled image is listed, marked as such.
        let all = try DatasetIndex.folders(
            images: root.appendingPathComponent("images"), labels: root.appendingPathComponent("labels"),
            includingUnlabelled: true)
        #expect(all.map(\.stem) == ["a", "b", "c"])
        #expect(all.map(\.hasLabels) == [true, true, false])
    }

    @Test func foldersWithoutCommonStemsNameBothSides() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try touch(root.appendingPathComponent("images/cell1.png"))
        try touch(root.appendingPathComponent("labels/mask1.png"))
        #expect {
            try DatasetIndex.folders(
                images: root.appendingPathComponent("images"), labels: root.appendingPathComponent("labels"))
        } throws: { error in
            let text = "\(error)"
            return text.contains("cell1") && text.contains("mask1")
        }
    }

    @Test func impartialFilesCSVUsesTheNPZForImageAndLabels() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try touch(root.appendingPathComponent("image0.npz"))
        try touch(root.appendingPathComponent("image1.npz"))
        let csv = root.appendingPathComponent("files.csv")
        try ",prefix,input_file,group\n0,image0,image0.npz,test\n1,image1,image1.npz,train\n".write(
            to: csv, atomically: true, encoding: .utf8)
        let entries = try DatasetIndex.csv(csv)
        #expect(entries.map(\.stem) == ["image0", "image1"])
        #expect(entries.map(\.split) == [.test, .train])
        #expect(entries[1].labels == entries[1].image)
    }

    @Test func csvWithQuotedFieldsAndAnUnknownSplit() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try touch(root.appendingPathComponent("img, 1.png"))
        try touch(root.appendingPathComponent("lab.png"))
        let csv = root.appendingPathComponent("list.csv")
        try "image,label,split\n\"img, 1.png\",lab.png,val\n".write(to: csv, atomically: true, encoding: .utf8)
        #expect(try DatasetIndex.csv(csv).first?.split == .validation)
        try "image,label,split\n\"img, 1.png\",lab.png,later\n".write(to: csv, atomically: true, encoding: .utf8)
        #expect { try DatasetIndex.csv(csv) } throws: { "\($0)".contains("line 2") && "\($0)".contains("later") }
    }

    @Test func splitHoldsOutTheFractionDeterministically() {
        let entries = (0..<10).map {
            DatasetEntry(
                stem: "s\($0)", image: URL(fileURLWithPath: "/x\($0)"), labels: URL(fileURLWithPath: "/y\($0)"))
        }
        let (train, validation) = TrainingData.split(entries, fraction: 0.2, seed: 3)
        #expect(train.count == 8 && validation.count == 2)
        #expect(Set(train.map(\.stem)).isDisjoint(with: validation.map(\.stem)))
        #expect(TrainingData.split(entries, fraction: 0.2, seed: 3).1 == validation)
    }
}
