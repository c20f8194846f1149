import Foundation
import Imaging

/// A set of ImageJ ROIs, in file order (a RoiManager zip, or one `.roi` file).
public struct ROISet: Sendable, Equatable {
    /// The ROIs in file (zip entry) order; ROI k (1-based) becomes label k when rasterised.
    public var rois: [ROI]

    public init(rois: [ROI]) { self.rois = rois }

    /// The smallest `(height, width)` canvas, anchored at pixel (0, 0), that holds every ROI's bounds
    /// (bounds are rounded up to whole pixels; ROIs lying entirely at negative coordinates add nothing).
    /// `(0, 0)` for an empty set.
    public var extent: (height: Int, width: Int) {
        var height = 0
        var width = 0
        for roi in rois {
            height = max(height, ROIRect.ceilToInt(roi.bounds.maxY))
            width = max(width, ROIRect.ceilToInt(roi.bounds.maxX))
        }
        return (height, width)
    }
}

/// A 2D point in image coordinates: x to the right, y down, (0, 0) the top-left corner of pixel (0, 0),
/// so the centre of pixel (x, y) is (x + 0.5, y + 0.5).
public struct ROIPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle in image coordinates (see `ROIPoint`); `width`/`height` are non-negative.
public struct ROIRect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    /// `ceil(value)` as an Int, clamped to the 32-bit range so NaN or absurd floats cannot trap.
    static func ceilToInt(_ value: Double) -> Int {
        guard value.isFinite else { return value > 0 ? Int(Int32.max) : 0 }
        return Int(min(max(value.rounded(.up), Double(Int32.min)), Double(Int32.max)))
    }
}

/// Where in a hyperstack a ROI belongs. Every value is 1-based; 0 means "not set" (all planes).
public struct ROIPosition: Sendable, Equatable {
    /// ImageJ's legacy single stack index (header offset 56).
    public var stack: Int
    /// Channel, slice (z) and frame (t) from header 2 (ImageJ 1.44 and later).
    public var channel: Int
    public var slice: Int
    public var frame: Int

    public init(stack: Int = 0, channel: Int = 0, slice: Int = 0, frame: Int = 0) {
        self.stack = stack; self.channel = channel; self.slice = slice; self.frame = frame
    }
}

/// One ImageJ region of interest.
///
/// Geometry by kind (all coordinates absolute image coordinates, see `ROIPoint`):
/// - `.polygon`, `.freehand`, `.traced`: `vertices` is the closed outline (last vertex joins the first).
/// - `.rectangle`: `bounds`; `cornerDiameter` > 0 rounds the corners (ImageJ's rounded rectangle).
/// - `.oval`: the ellipse inscribed in `bounds`.
/// - `.composite` (ImageJ's ShapeRoi): `subpaths`, closed outlines combined with the even-odd rule
///   (curved segments are flattened into short lines when read).
/// - `.line`: `vertices` holds the two end points; `.polyline`, `.freeline`, `.angle`, `.point`: `vertices`.
///   These mark lines and points, not areas: they rasterise to nothing.
/// - `.noROI`: no geometry.
public struct ROI: Sendable, Equatable {
    /// ImageJ's ROI types. `.composite` is stored by ImageJ as a rectangle with shape data.
    public enum Kind: Sendable, Equatable, CaseIterable {
        case polygon, rectangle, oval, line, freeline, polyline, noROI, freehand, traced, angle, point, composite

        /// The type byte ImageJ writes at header offset 6.
        public var imagejTypeCode: UInt8 {
            switch self {
            case .polygon: 0
            case .rectangle, .composite: 1
            case .oval: 2
            case .line: 3
            case .freeline: 4
            case .polyline: 5
            case .noROI: 6
            case .freehand: 7
            case .traced: 8
            case .angle: 9
            case .point: 10
            }
        }

        /// The kind for an ImageJ type byte (rectangles with shape data are `.composite`), or nil.
        public init?(imagejTypeCode code: UInt8, hasShapeData: Bool = false) {
            if code == 1, hasShapeData { self = .composite; return }
            guard let kind = Kind.allCases.first(where: { $0 != .composite && $0.imagejTypeCode == code }) else {
                return nil
            }
            self = kind
        }

        /// True for kinds that enclose an area and so become labels when rasterised.
        public var enclosesArea: Bool {
            switch self {
            case .polygon, .freehand, .traced, .rectangle, .oval, .composite: true
            case .line, .freeline, .polyline, .noROI, .angle, .point: false
            }
        }
    }

    /// The ROI's name (header 2), or, when the file has none, the zip entry's / file's name without `.roi`.
    public var name: String
    public var kind: Kind
    /// ImageJ's subtype code (0 none, 2 arrow, 3 ellipse, 5 rotated rectangle; text and image are refused).
    public var subtype: Int
    /// The bounding rectangle the header records (subpixel for rectangles/ovals saved with subpixel bounds).
    public var bounds: ROIRect
    /// Outline or line vertices, see the type's documentation.
    public var vertices: [ROIPoint]
    /// Closed outlines of a `.composite` ROI; empty for every other kind.
    public var subpaths: [[ROIPoint]]
    /// Rounded-rectangle corner diameter in pixels (0 for square corners).
    public var cornerDiameter: Int
    /// True when the file stored float (subpixel) coordinates; `vertices` then carry them exactly.
    public var hasSubpixelCoordinates: Bool
    public var position: ROIPosition

    public init(
        name: String, kind: Kind, subtype: Int = 0, bounds: ROIRect, vertices: [ROIPoint] = [],
        subpaths: [[ROIPoint]] = [], cornerDiameter: Int = 0, hasSubpixelCoordinates: Bool = false,
        position: ROIPosition = ROIPosition()
    ) {
        self.name = name
        self.kind = kind
        self.subtype = subtype
        self.bounds = bounds
        self.vertices = vertices
        self.subpaths = subpaths
        self.cornerDiameter = cornerDiameter
        self.hasSubpixelCoordinates = hasSubpixelCoordinates
        self.position = position
    }
}
