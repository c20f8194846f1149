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
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // Small foundation pieces every layer may use: seeded random numbers, atomic durable file writes, durations.
        .target(name: "Basics"),
        // The one owner of training settings: their names, ranges and defaults, the settings object of projects and
        // jobs, and the error that names a setting so each front end can render it (flag or JSON field).
        .target(name: "Settings"),
        // C shims over libtiff, libpng and zlib: error capture, in-memory I/O, and libpng's setjmp
        // handling, none of which can be expressed safely in Swift.
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("tiff"), .linkedLibrary("png16"), .linkedLibrary("z")]
        ),
        // The image model: Image (C,[Z,]Y,X) Float32, LabelImage, statistics, normalisation, components.
        .target(name: "Imaging"),
        // Readers and writers: TIFF/OME-TIFF, PNG, NPY/NPZ, ImageJ ROI zip.
        .target(name: "ImageFormats", dependencies: ["Basics", "Imaging", "CImageCodecs"]),
        // oneDNN's C API (Debian libdnnl-dev) and the OpenMP calls that size its thread pool.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        // The compute engine: tensors in oneDNN layouts, autodiff, ops, optimisers, model files.
        .target(name: "Tensors", dependencies: ["Basics", "CDNNL"]),
        // Networks built from Tensors ops: modules with named parameters, the 2D/3D U-Net.
        .target(name: "Networks", dependencies: ["Basics", "Tensors"]),
        // Instances and training targets from label images and network outputs: distance transform, watershed,
        // seeds, region merging, labels-to-edges, U-Net weight maps.
        .target(name: "Segmentation", dependencies: ["Imaging"]),
        // The field's metrics: pixel accuracy, IoU/Dice, instance matching (AP, F1, PQ, AJI), reports and plots.
        .target(name: "Evaluation", dependencies: ["Basics", "Imaging"]),
        // Sparse annotations: scribble maps, their files, and scribbles generated from ground truth.
        .target(name: "Scribbles", dependencies: ["Basics", "Imaging", "ImageFormats", "Segmentation"]),
        // Training and prediction, in folders: Data (datasets, samples), Augmentation (patches, batches, blind
        // spots), Objectives (losses), Model (the model file and its head), Prediction (tiles, uncertainty,
        // instances), Validation (scores, threshold search) and Loop (options, the trainer, its events).
        .target(
            name: "Training",
            dependencies: [
                "Basics", "Imaging", "ImageFormats", "Evaluation", "Networks", "Scribbles", "Segmentation", "Settings",
                "Tensors",
            ]
        ),
        // What the server keeps: projects, images, scribble versions, models and the durable job queue behind
        // repository protocols (SQLite through GRDB), and checksummed files in the data folder.
        .target(
            name: "Storage",
            dependencies: [
                "Basics", "Settings", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Accounts of a shared server: users with bcrypt-hashed passwords, sign-in throttling, browser sessions and
        // API tokens (only their hashes stored). No HTTP here: the server and `cellscribe users` both use it.
        .target(
            name: "Accounts",
            dependencies: [
                "Storage", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The interactive server (Hummingbird), in layers: HTTP (set-up, middleware, errors, request decoding),
        // Routes (thin: decode, call a service, encode), Services (images, scribbles, models, inference,
        // renditions, active learning; tested without HTTP) and Jobs (queue, runner, events).
        .target(
            name: "Server",
            dependencies: [
                "Accounts", "Basics", "Imaging", "ImageFormats", "Networks", "Scribbles", "Segmentation", "Settings",
                "Storage",
                "Tensors",
                "Training", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
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
                "Accounts", "Basics", "Imaging", "ImageFormats", "Evaluation", "Networks", "Scribbles", "Server",
                "Settings",
                "Tensors", "Training", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "cellscribe", dependencies: ["CellScribeCLI"]),
        // What tests share: the committed fixtures (Tests/Fixtures, see its PROVENANCE.md files) by path.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "ImageFormatsTests", dependencies: ["ImageFormats", "Imaging", "TestSupport"]),
        .testTarget(name: "TensorsTests", dependencies: ["Basics", "Tensors", "TestSupport"]),
        .testTarget(name: "NetworksTests", dependencies: ["Basics", "Networks", "Tensors"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation", "Imaging"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Imaging"]),
        .testTarget(name: "ScribblesTests", dependencies: ["Scribbles", "Imaging", "ImageFormats", "TestSupport"]),
        .testTarget(
            name: "TrainingTests",
            dependencies: [
                "Basics", "Training", "Imaging", "ImageFormats", "Evaluation", "Networks", "Scribbles", "Settings",
                "Tensors", "TestSupport",
            ]),
        .testTarget(name: "StorageTests", dependencies: ["Settings", "Storage"]),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Storage"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Accounts", "Server", "Settings", "Storage", "Imaging", "ImageFormats", "Scribbles", "Training",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "CellScribeCLITests",
            dependencies: [
                "Accounts", "CellScribeCLI", "Server", "Settings", "Scribbles", "Storage", "Training", "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
