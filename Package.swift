// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "cellscribe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cellscribe", targets: ["cellscribe"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // C shims over libtiff, libpng and zlib: error capture, in-memory I/O, and libpng's setjmp
        // handling, none of which can be expressed safely in Swift.
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("tiff"), .linkedLibrary("png16"), .linkedLibrary("z")]
        ),
        // The image model: Image (C,[Z,]Y,X) Float32, LabelImage, statistics, normalisation, components.
        .target(name: "Imaging"),
        // Readers and writers: TIFF/OME-TIFF, PNG, NPY/NPZ, ImageJ ROI zip.
        .target(
            name: "ImageFormats",
            dependencies: ["Imaging", "CImageCodecs"]
        ),
        // oneDNN's C API (Debian libdnnl-dev) and the OpenMP calls that size its thread pool.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        // The compute engine: tensors in oneDNN layouts, autodiff, ops, optimisers, model files.
        .target(name: "Tensors", dependencies: ["CDNNL"]),
        // Networks built from Tensors ops: modules with named parameters, the 2D/3D U-Net.
        .target(name: "Networks", dependencies: ["Tensors"]),
        // Instances and training targets from label images and network outputs: distance transform, watershed,
        // seeds, region merging, labels-to-edges, U-Net weight maps.
        .target(name: "Segmentation", dependencies: ["Imaging"]),
        // The field's metrics: pixel accuracy, IoU/Dice, instance matching (AP, F1, PQ, AJI), reports and plots.
        .target(name: "Evaluation", dependencies: ["Imaging"]),
        // Sparse annotations: scribble maps, their files, and scribbles generated from ground truth.
        .target(name: "Scribbles", dependencies: ["Imaging", "ImageFormats", "Segmentation", "Tensors"]),
        // Supervised training and prediction: datasets, targets, patches and augmentation, the trainer, tiled
        // prediction, instances from probabilities.
        .target(
            name: "Training",
            dependencies: ["Imaging", "ImageFormats", "Evaluation", "Networks", "Scribbles", "Segmentation", "Tensors"]
        ),
        // What the server keeps: projects, images, scribble versions, models and the durable job queue behind
        // repository protocols (SQLite through GRDB), and checksummed files in the data folder.
        .target(
            name: "Storage",
            dependencies: [
                "Imaging", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The interactive server (Hummingbird): JSON API, uploads, renditions, training jobs with live events,
        // inference at any time, active learning.
        .target(
            name: "Server",
            dependencies: [
                "Imaging", "ImageFormats", "Evaluation", "Scribbles", "Segmentation", "Storage", "Tensors", "Training",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources")]
        ),
        // The command-line interface as a library so its formatting and help can be tested.
        .target(
            name: "CellScribeCLI",
            dependencies: [
                "Imaging", "ImageFormats", "Evaluation", "Networks", "Scribbles", "Segmentation", "Server", "Tensors",
                "Training", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "cellscribe", dependencies: ["CellScribeCLI"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        // Tests read committed fixtures from Tests/Fixtures (see its PROVENANCE.md) by path.
        .testTarget(name: "ImageFormatsTests", dependencies: ["ImageFormats", "Imaging"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Tensors"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation", "Imaging"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Imaging"]),
        .testTarget(name: "ScribblesTests", dependencies: ["Scribbles", "Imaging", "ImageFormats"]),
        .testTarget(
            name: "TrainingTests",
            dependencies: ["Training", "Imaging", "ImageFormats", "Evaluation", "Networks", "Scribbles", "Tensors"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Storage", "Imaging", "ImageFormats", "Scribbles",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(name: "CellScribeCLITests", dependencies: ["CellScribeCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
