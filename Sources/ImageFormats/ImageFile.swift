import Foundation
import Imaging

/// A decoded file: its format and what it holds.
public struct ImageFile: Sendable {
    /// What a file can hold.
    public enum Content: Sendable {
        /// One pixel array with named axes (TIFF, PNG, NPY).
        case raster(DecodedRaster)
        /// Named arrays (NPZ), in archive order.
        case arrays([NamedArray])
        /// ImageJ ROIs (ROI zip or a single .roi file).
        case rois(ROISet)
    }

    /// The path or description the file was read from, for messages.
    public let source: String
    public let format: FileFormat
    public let content: Content

    public init(source: String, format: FileFormat, content: Content) {
        self.source = source
        self.format = format
        self.content = content
    }
}

/// An array stored under a name (an NPZ entry without its `.npy` suffix).
public struct NamedArray: Sendable, Equatable {
    public var name: String
    public var array: NDArray
    public init(name: String, array: NDArray) {
        self.name = name
        self.array = array
    }
}

/// The NPZ entry names ImPartial uses, recognised by name.
public enum ImPartialArrayName: String, Sendable, CaseIterable {
    case image, label, scribble
    case validationMask = "val_mask"
}
