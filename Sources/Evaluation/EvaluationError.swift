/// Errors raised while scoring predictions against ground truth.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// A prediction and its ground truth do not share a shape.
    case shapeMismatch(prediction: [Int], truth: [Int])
    /// A parameter is outside its valid range.
    case invalidArgument(name: String, value: String, reason: String)
    /// The prediction and ground truth of one named image (a file stem) do not share a shape.
    case imageShapeMismatch(image: String, predictionFile: String, prediction: [Int], truthFile: String, truth: [Int])
    /// A folder given on the command line does not exist or is not a folder.
    case missingFolder(role: String, path: String)
    /// No prediction file has the stem of a ground-truth file; a few stems of each side are listed.
    case noMatchingStems(predictionFolder: String, predictionStems: [String], truthFolder: String, truthStems: [String])
    /// Two files in one folder have the same stem, so the pairing would be ambiguous.
    case duplicateStem(folder: String, stem: String, files: [String])
    /// A report or plot could not be written.
    case writeFailed(path: String, reason: String)

    /// How many stems of each side `noMatchingStems` lists.
    public static let listedStemCount = 5

    public var description: String {
        switch self {
        case .shapeMismatch(let prediction, let truth):
            "the prediction has shape \(prediction) but its ground truth has shape \(truth)"
        case .invalidArgument(let name, let value, let reason):
            "\(name) = \(value) is not valid: \(reason)"
        case .imageShapeMismatch(let image, let predictionFile, let prediction, let truthFile, let truth):
            "image '\(image)': the prediction '\(predictionFile)' has shape \(prediction) but the ground truth "
                + "'\(truthFile)' has shape \(truth); both must cover the same pixels"
        case .missingFolder(let role, let path):
            "the \(role) folder '\(path)' does not exist or is not a folder"
        case .noMatchingStems(let predictionFolder, let predictionStems, let truthFolder, let truthStems):
            "no prediction in '\(predictionFolder)' has the file stem of a ground truth in '\(truthFolder)' "
                + "(files are paired by name without extension; prediction stems: \(Self.list(predictionStems)); "
                + "ground-truth stems: \(Self.list(truthStems)))"
        case .duplicateStem(let folder, let stem, let files):
            "the folder '\(folder)' has \(files.count) files with the stem '\(stem)' "
                + "(\(files.joined(separator: ", "))); keep one so that the pairing is unambiguous"
        case .writeFailed(let path, let reason):
            "cannot write '\(path)': \(reason)"
        }
    }

    /// The first `listedStemCount` stems, quoted, with the number left out.
    static func list(_ stems: [String]) -> String {
        guard !stems.isEmpty else { return "none" }
        let shown = stems.prefix(listedStemCount).map { "'\($0)'" }.joined(separator: ", ")
        let rest = stems.count - min(stems.count, listedStemCount)
        return rest > 0 ? "\(shown) and \(rest) more" : shown
    }
}
