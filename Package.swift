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
        .target(name: "Metrics", dependencies: ["Imaging"]),
        // Sparse annotations: scribble maps, their files, and scribbles generated from ground truth.
        .target(name: "Scribbles", dependencies: ["Imaging", "ImageFormats", "Segmentation", "Tensors"]),
        // Supervised training and prediction: datasets, targets, patches and augmentation, the trainer, tiled
        // prediction, instances from probabilities.
        .target(
            name: "Training",
            dependencies: ["Imaging", "ImageFormats", "Metrics", "Networks", "Scribbles", "Segmentation", "Tensors"]
        ),
        // The command-line interface as a library so its formatting and help can be tested.
        .target(
            name: "CellScribeCLI",
            dependencies: [
                "Imaging", "ImageFormats", "Metrics", "Networks", "Scribbles", "Segmentation", "Tensors", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cellscribe", dependencies: ["CellScribeCLI"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        // Tests read committed fixtures from Tests/Fixtures (see its PROVENANCE.md) by path.
        .testTarget(name: "ImageFormatsTests", dependencies: ["ImageFormats", "Imaging"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Tensors"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation", "Imaging"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Imaging"]),
        .testTarget(name: "ScribblesTests", dependencies: ["Scribbles", "Imaging", "ImageFormats"]),
        .testTarget(
            name: "TrainingTests",
            dependencies: ["Training", "Imaging", "ImageFormats", "Metrics", "Networks", "Scribbles", "Tensors"]),
        .testTarget(name: "CellScribeCLITests", dependencies: ["CellScribeCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
