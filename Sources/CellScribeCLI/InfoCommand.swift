import ArgumentParser
import Foundation
import ImageFormats

/// `cellscribe info FILE...`: what each file holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe image, label, NPY/NPZ and ImageJ ROI files.",
        discussion: """
            For each file: format, shape with axis names, sample type, value range, physical spacing, and for \
            label images, binary masks and ROI sets the number of instances. A file that cannot be read is \
            reported with the reason and the others are still described; the exit status is 1 if any failed.
            """
    )

    @Argument(help: "Files to describe (TIFF, PNG, NPY, NPZ, ImageJ ROI zip or .roi).")
    var files: [String]

    @Flag(help: "Print a JSON array with one object per file instead of text.")
    var json = false

    @OptionGroup var limits: LimitOptions

    func run() throws {
        let reports = files.map { FileReport(url: URL(fileURLWithPath: $0), limits: limits.readLimits) }
        print(try Self.render(reports, json: json))
        if reports.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }

    /// The text blocks separated by blank lines, or a pretty-printed JSON array with sorted keys.
    static func render(_ reports: [FileReport], json: Bool) throws -> String {
        guard json else { return reports.map(\.text).joined(separator: "\n\n") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(reports), as: UTF8.self)
    }
}

/// Options that bound how much memory decoding a file may take.
struct LimitOptions: ParsableArguments {
    @Option(name: .customLong("max-image-mb"), help: "Refuse to decode an array larger than this many MiB.")
    var maxImageMegabytes: Int = ReadLimits.standard.maxDecodedBytes >> 20

    var readLimits: ReadLimits {
        var limits = ReadLimits.standard
        limits.maxDecodedBytes = max(1, maxImageMegabytes) << 20
        limits.maxSamples = min(limits.maxSamples, limits.maxDecodedBytes)
        limits.maxArchiveBytes = limits.maxDecodedBytes
        return limits
    }
}
