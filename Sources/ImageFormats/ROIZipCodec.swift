import Foundation
import Imaging

// PLACEHOLDER: replaced by the ImageJ ROI implementation.
/// A set of ImageJ ROIs, in file order.
public struct ROISet: Sendable, Equatable {
    public var rois: [ROI]
    public init(rois: [ROI]) { self.rois = rois }
    /// Rasterises every ROI (label k = ROI k, 1-based, in file order; later ROIs win where they overlap).
    public func rasterize(height: Int, width: Int) throws -> LabelImage {
        try LabelImage(zerosWithShape: [height, width])
    }
    /// The smallest (height, width) holding every ROI's bounds.
    public var extent: (height: Int, width: Int) { (0, 0) }
}

public struct ROI: Sendable, Equatable {
    public var name: String
}

enum ROIZipCodec {
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> ROISet {
        throw ImageFormatsError.unsupported(source: source, format: .imagejROIZip, feature: "not implemented yet")
    }
    static func encode(_ labels: LabelImage, path: String) throws -> Data {
        throw ImageFormatsError.unsupported(source: path, format: .imagejROIZip, feature: "not implemented yet")
    }
}
