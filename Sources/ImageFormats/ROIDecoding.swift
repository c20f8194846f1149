import Foundation
import Imaging

/// Reading and writing ImageJ ROI sets: a RoiManager zip of `.roi` entries, or one bare `.roi` file.
enum ROIZipCodec {
    /// Decodes `data`, either a zip whose `.roi` entries are read in archive order (every one, the first
    /// included; other entries are ignored) or a single `.roi` file (starting with "Iout").
    ///
    /// Throws `corrupt` naming the entry ("archive.zip/001.roi") when an entry is truncated or a count or
    /// offset points outside it; `unsupported` for text and image overlay ROIs; `tooLarge` when the
    /// archive exceeds `limits`, its outlines have more than `limits.maxROIVertices` vertices, or the canvas holding
    /// every ROI would exceed `limits.maxSamples`.
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> ROISet {
        let set: ROISet
        if data.starts(with: Array("Iout".utf8)) {
            let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
            set = ROISet(rois: [try decodeROI(ROIBytes(data, source: source), fallbackName: name)])
        } else {
            let entries = try ZipEntries.read(
                data, source: source, format: .imagejROIZip, limits: limits,
                include: { $0.lowercased().hasSuffix(".roi") })
            set = ROISet(
                rois: try entries.map { entry in
                    let stem = String((entry.name.split(separator: "/").last ?? "").dropLast(4))
                    return try decodeROI(ROIBytes(entry.bytes, source: "\(source)/\(entry.name)"), fallbackName: stem)
                })
        }
        // Rasterising costs time per vertex: refuse absurd outlines before anyone draws them.
        let vertices = set.rois.reduce(0) { $0 + $1.vertices.count + $1.subpaths.reduce(0) { $0 + $1.count } }
        guard vertices <= limits.maxROIVertices else {
            throw ImageFormatsError.tooLarge(
                source: source, what: "outline vertices", requested: vertices, limit: limits.maxROIVertices)
        }
        // The default rasterisation canvas comes from the bounds; refuse absurd ones before anyone allocates it.
        let extent = set.extent
        try limits.check(shape: [extent.height, extent.width], bytesPerSample: 4, source: source)
        return set
    }

    /// Decodes one `.roi` entry. `fallbackName` is used when header 2 carries no name.
    static func decodeROI(_ b: ROIBytes, fallbackName: String) throws -> ROI {
        guard b.count >= ROILayout.headerSize else {
            throw b.corrupt("the entry has \(b.count) bytes, fewer than the \(ROILayout.headerSize)-byte ROI header")
        }
        guard b.bytes.starts(with: Array("Iout".utf8)) else {
            throw b.corrupt("the entry does not start with the ROI signature \"Iout\"")
        }
        let version = try b.i16(ROILayout.version)
        let typeCode = try b.u8(ROILayout.type)
        let shapeSize = try b.i32(ROILayout.shapeSize)
        guard shapeSize >= 0, shapeSize == 0 || typeCode == 1 else {
            throw b.corrupt("shape data size \(shapeSize) is invalid for ROI type \(typeCode)")
        }
        guard let kind = ROI.Kind(imagejTypeCode: typeCode, hasShapeData: shapeSize > 0) else {
            throw b.corrupt("unknown ROI type \(typeCode) (ImageJ defines 0...10)")
        }
        let subtype = try b.i16(ROILayout.subtype)
        var roi = ROI(name: "", kind: kind, subtype: subtype, bounds: try readBounds(b), cornerDiameter: 0)
        let options = Int(try b.u16(ROILayout.options))
        let subpixel = version >= 222 && (options & ROILayout.subPixelResolution) != 0
        // Geometry before header 2: a truncated entry then reports the coordinates it lost.
        try readGeometry(b, into: &roi, version: version, subpixel: subpixel, shapeSize: shapeSize)
        try readHeader2(b, into: &roi)
        if roi.name.isEmpty { roi.name = fallbackName }
        roi.position.stack = try b.i32(ROILayout.position)
        // Text and embedded-image overlays are annotations whose area is not a region of the image.
        if subtype == 1 || subtype == 4 {
            throw ImageFormatsError.unsupported(
                source: b.source, format: .imagejROIZip,
                feature: "\(subtype == 1 ? "text" : "image") overlay ROI '\(roi.name)'")
        }
        return roi
    }

    /// The integer bounds of header 1; throws when right < left or bottom < top.
    private static func readBounds(_ b: ROIBytes) throws -> ROIRect {
        let top = try b.boundCoordinate(ROILayout.top)
        let left = try b.boundCoordinate(ROILayout.left)
        let bottom = try b.boundCoordinate(ROILayout.bottom)
        let right = try b.boundCoordinate(ROILayout.right)
        guard right >= left, bottom >= top else {
            throw b.corrupt("bounds left \(left), top \(top), right \(right), bottom \(bottom) are inverted")
        }
        return ROIRect(x: Double(left), y: Double(top), width: Double(right - left), height: Double(bottom - top))
    }

    /// Name and c/z/t position from header 2, when the file has one (ImageJ 1.43 and later).
    private static func readHeader2(_ b: ROIBytes, into roi: inout ROI) throws {
        let offset = try b.i32(ROILayout.header2Offset)
        guard offset != 0 else { return }
        guard offset >= ROILayout.headerSize else {
            throw b.corrupt("header 2 offset \(offset) overlaps the 64-byte header")
        }
        try b.require(offset, ROILayout.header2ReadEnd, "header 2 (offset \(offset))")
        roi.position.channel = try b.i32(offset + ROILayout.cPosition)
        roi.position.slice = try b.i32(offset + ROILayout.zPosition)
        roi.position.frame = try b.i32(offset + ROILayout.tPosition)
        let nameOffset = try b.i32(offset + ROILayout.nameOffset)
        let nameLength = try b.i32(offset + ROILayout.nameLength)
        guard nameOffset > 0, nameLength != 0 else { return }
        roi.name = try b.utf16String(at: nameOffset, length: nameLength, "the ROI name (\(nameLength) characters)")
    }

    private static func readGeometry(
        _ b: ROIBytes, into roi: inout ROI, version: Int, subpixel: Bool, shapeSize: Int
    ) throws {
        switch roi.kind {
        case .rectangle, .oval:
            if roi.kind == .rectangle { roi.cornerDiameter = max(0, try b.i16(ROILayout.roundedRectArcSize)) }
            guard subpixel, version >= 223 else { return }
            let v = try finiteFloats(b, at: ROILayout.x1, count: 4, "subpixel bounds")
            guard v[2] >= 0, v[3] >= 0 else { throw b.corrupt("subpixel bounds have a negative size") }
            roi.bounds = ROIRect(x: v[0], y: v[1], width: v[2], height: v[3])
            roi.hasSubpixelCoordinates = true
        case .line:
            let v = try finiteFloats(b, at: ROILayout.x1, count: 4, "line end points")
            roi.vertices = [ROIPoint(x: v[0], y: v[1]), ROIPoint(x: v[2], y: v[3])]
            roi.hasSubpixelCoordinates = true
        case .composite:
            let values = try finiteFloats(b, at: ROILayout.coordinates, count: shapeSize, "shape data")
            roi.subpaths = try ROIShapePath.subpaths(from: values, source: b.source)
        case .noROI:
            return
        case .polygon, .freeline, .polyline, .freehand, .traced, .angle, .point:
            try readVertices(b, into: &roi, subpixel: subpixel)
        }
    }

    /// Integer vertices (relative to the bounds' left/top) or, with subpixel resolution, the absolute
    /// float vertices stored after them. The count is checked against the entry length first.
    private static func readVertices(_ b: ROIBytes, into roi: inout ROI, subpixel: Bool) throws {
        var n = Int(try b.u16(ROILayout.coordinateCount))
        // ImageJ stores counts above 65535 as 0 plus a 32-bit count, except where offset 18 holds floats.
        let floatsAt18 = roi.kind == .freehand && (roi.subtype == 3 || roi.subtype == 5)
        if n == 0, !floatsAt18 { n = try b.i32(ROILayout.largeCount) }
        guard n >= 0 else { throw b.corrupt("negative coordinate count \(n)") }
        let perPoint = subpixel ? 12 : 4
        try b.require(ROILayout.coordinates, n * perPoint, "\(n) coordinates")
        var points: [ROIPoint] = []
        points.reserveCapacity(n)
        if subpixel {
            let xs = try finiteFloats(b, at: ROILayout.coordinates + 4 * n, count: n, "subpixel x coordinates")
            let ys = try finiteFloats(b, at: ROILayout.coordinates + 8 * n, count: n, "subpixel y coordinates")
            for i in 0..<n { points.append(ROIPoint(x: xs[i], y: ys[i])) }
        } else {
            // Relative coordinates are never negative, so ImageJ's wrapped int16 values read as uint16.
            for i in 0..<n {
                let x = Int(try b.u16(ROILayout.coordinates + 2 * i)) + Int(roi.bounds.x)
                let y = Int(try b.u16(ROILayout.coordinates + 2 * (n + i))) + Int(roi.bounds.y)
                points.append(ROIPoint(x: Double(x), y: Double(y)))
            }
        }
        roi.vertices = points
        roi.hasSubpixelCoordinates = subpixel
    }

    private static func finiteFloats(_ b: ROIBytes, at offset: Int, count: Int, _ what: String) throws -> [Double] {
        try b.require(offset, count * 4, "\(what) (\(count) floats)")
        var values: [Double] = []
        values.reserveCapacity(count)
        for i in 0..<count {
            let v = try b.f32(offset + 4 * i)
            guard v.isFinite else { throw b.corrupt("\(what) contain a non-finite value") }
            values.append(v)
        }
        return values
    }
}
