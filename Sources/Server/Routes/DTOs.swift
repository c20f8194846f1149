import Foundation
import ImageFormats
import Settings
import Storage
import Training

// The JSON shapes of the API (documented in Resources/openapi.json; keep the two in step).

struct ProjectDTO: Codable, Sendable {
    var id: String
    var name: String
    /// Channel names; uploads must have this many channels.
    var channels: [String]
    /// Foreground class names (scribble value k is classes[k-1]; 255 is background).
    var classes: [String]
    var task: String
    var settings: TrainingSettings
    var createdAt: Date
    /// The caller's role in the project.
    var role: ProjectRole?

    init(_ record: ProjectRecord, role: ProjectRole? = nil) {
        self.role = role
        id = record.id
        name = record.name
        channels = record.channelNames
        classes = record.classNames
        task = record.task
        settings = record.settings
        createdAt = record.createdAt
    }
}

struct CreateProject: Codable, Sendable {
    var name: String
    var channels: [String]
    var classes: [String]?
    var settings: TrainingSettings?
}

struct ImageDTO: Codable, Sendable {
    struct Shape: Codable, Sendable {
        var channels: Int
        var depth: Int
        var height: Int
        var width: Int
    }
    struct Scribbles: Codable, Sendable {
        /// The ETag of the scribbles (0: none saved yet).
        var version: Int
        var foregroundPixels: Int
        var backgroundPixels: Int
    }
    struct Prediction: Codable, Sendable {
        var modelID: String
        /// Mean binary entropy of the foreground probability, nats (0 sure ... 0.693 undecided).
        var meanEntropy: Double?
    }

    var id: String
    var projectID: String
    var name: String
    var shape: Shape
    var byteCount: Int
    var checksum: String
    var scribbles: Scribbles
    var prediction: Prediction?
    /// "new", "scribbled" or "predicted" (the latest state of the annotate-train loop).
    var status: String
    var createdAt: Date

    init(_ record: ImageRecord) {
        id = record.id
        projectID = record.projectID
        name = record.name
        shape = Shape(channels: record.channels, depth: record.depth, height: record.height, width: record.width)
        byteCount = record.byteCount
        checksum = record.checksum
        scribbles = Scribbles(
            version: record.scribbleVersion, foregroundPixels: record.scribbledForeground,
            backgroundPixels: record.scribbledBackground)
        prediction = record.predictedModelID.map { Prediction(modelID: $0, meanEntropy: record.meanEntropy) }
        status = record.predictedModelID != nil ? "predicted" : record.isScribbled ? "scribbled" : "new"
        createdAt = record.createdAt
    }
}

struct UploadedImages: Codable, Sendable {
    var images: [ImageDTO]
}

struct JobDTO: Codable, Sendable {
    var id: String
    var projectID: String
    var state: String
    var settings: TrainingSettings
    var parentModelID: String?
    var modelID: String?
    /// The trainer's last epoch event (epoch, losses, validation scores, ETA), as it sent it.
    var progress: EpochReport?
    var error: String?
    var attempts: Int
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?

    init(_ record: JobRecord) {
        id = record.id
        projectID = record.projectID
        state = record.state.rawValue
        settings = record.settings
        parentModelID = record.parentModelID
        modelID = record.modelID
        progress = record.progress.flatMap { try? JSONBody.decoder.decode(EpochReport.self, from: Data($0.utf8)) }
        error = record.error
        attempts = record.attempts
        createdAt = record.createdAt
        startedAt = record.startedAt
        finishedAt = record.finishedAt
    }
}

struct ModelDTO: Codable, Sendable {
    var id: String
    var projectID: String
    var version: Int
    var parentID: String?
    var jobID: String?
    var metrics: [String: Double]
    var settings: TrainingSettings
    /// Image id → checksum of the scribbles the model learnt from.
    var scribbleSnapshot: [String: String]
    var byteCount: Int
    var checksum: String
    var createdAt: Date

    init(_ record: ModelRecord) {
        id = record.id
        projectID = record.projectID
        version = record.version
        parentID = record.parentID
        jobID = record.jobID
        metrics = record.metrics
        settings = record.settings
        scribbleSnapshot = record.scribbleSnapshot
        byteCount = record.byteCount
        checksum = record.checksum
        createdAt = record.createdAt
    }
}

struct RegionDTO: Codable, Sendable {
    /// Top-left corner and side of the square, pixels.
    var y: Int
    var x: Int
    var size: Int
    var meanEntropy: Double

    init(_ region: UncertainRegion) {
        y = region.y
        x = region.x
        size = region.size
        meanEntropy = region.meanUncertainty
    }
}

struct OutlineDTO: Codable, Sendable {
    var label: UInt32
    /// Closed polygon: [[x, y], ...] at pixel corners.
    var points: [[Int]]

    init(_ outline: LabelOutline) {
        label = outline.label
        points = zip(outline.xs, outline.ys).map { [$0, $1] }
    }
}

struct PredictionDTO: Codable, Sendable {
    var imageID: String
    /// The model id, or "job:<id>" for a running job's best weights so far.
    var model: String
    var foregroundThreshold: Float
    var instances: Int
    var meanEntropy: Double?
    var regions: [RegionDTO]
    var outlines: [OutlineDTO]?
    var seconds: Double

    init(image: ImageRecord, result: PredictionResult, summary: PredictionSummary) {
        imageID = image.id
        model = result.modelKey
        foregroundThreshold = summary.threshold
        instances = summary.labels.instanceCount
        meanEntropy = result.meanEntropy
        regions = summary.regions.map(RegionDTO.init)
        outlines = summary.outlines?.map(OutlineDTO.init)
        seconds = result.seconds
    }
}

struct NextImageDTO: Codable, Sendable {
    var strategy: String
    var image: ImageDTO
    var meanEntropy: Double?
    var regions: [RegionDTO]?
    /// Uncertainty: candidates ranked now, and candidates still being predicted (later answers rank them too).
    var rankedImages: Int?
    var pendingImages: Int?

    init(strategy: String, suggestion: ActiveLearning.Suggestion) {
        self.strategy = strategy
        image = ImageDTO(suggestion.image)
        meanEntropy = suggestion.meanEntropy
        regions = suggestion.regions?.map(RegionDTO.init)
        rankedImages = suggestion.rankedImages
        pendingImages = suggestion.pendingImages
    }
}
