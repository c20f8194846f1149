import Foundation
import Imaging

extension ROIZipCodec {
    /// The largest image extent whose pixel-corner coordinates (up to the extent itself) the int16 bounds
    /// can carry: values above 32767 are stored wrapped and readers unwrap those below -5000, so 60535
    /// (stored as -5001) is the last coordinate that reads back.
    static let maxEncodableExtent = 65535 + ROILayout.minimumCoordinate

    /// A RoiManager zip with one traced (type 8) ROI per label of the 2D `labels`, ascending by label:
    /// the outer outline of the label's largest 4-connected piece, along pixel edges, corner vertices only,
    /// integer coordinates (see `ROITracer` for holes and disconnected pieces). Entries are named like
    /// ImageJ's RoiManager, "YYYY-XXXX.roi" from the centre of the bounds, with "-1", "-2"... appended
    /// when two ROIs share a centre.
    ///
    /// Decoding the result and rasterising it at the image's size gives back `labels` exactly when every
    /// label is one hole-free 4-connected piece and the labels are 1...n; other label values come back
    /// renumbered 1...n in ascending order (a ROI zip stores outlines, not label values). Throws `unsupported` for 3D label images and images
    /// larger than 60535 pixels a side, `writeFailed` when the archive cannot be assembled.
    static func encode(_ labels: LabelImage, path: String) throws -> Data {
        guard !labels.isVolume else {
            throw ImageFormatsError.unsupported(
                source: path, format: .imagejROIZip, feature: "3D label images (ROIs are 2D outlines); write TIFF")
        }
        guard labels.height <= maxEncodableExtent, labels.width <= maxEncodableExtent,
            labels.labels.count < Int(Int32.max)
        else {
            throw ImageFormatsError.unsupported(
                source: path, format: .imagejROIZip,
                feature: "a \(labels.height)x\(labels.width) label image; ROI coordinates stop at \(maxEncodableExtent)"
            )
        }
        var usedNames = Set<String>()
        var entries: [(name: String, bytes: Data)] = []
        for outline in ROITracer.outlines(of: labels) {
            let name = uniqueName(centreName(outline), used: &usedNames)
            entries.append(("\(name).roi", encodeTraced(outline, name: name)))
        }
        return try ZipEntries.write(entries, compress: true, path: path)
    }

    /// ImageJ's RoiManager label: bounds centre y and x, zero-padded to 4 digits ("0012-0345").
    static func centreName(_ outline: ROITracer.Outline) -> String {
        func padded(_ v: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, 4 - s.count)) + s
        }
        let (left, right) = (outline.xs.min() ?? 0, outline.xs.max() ?? 0)
        let (top, bottom) = (outline.ys.min() ?? 0, outline.ys.max() ?? 0)
        return "\(padded(top + (bottom - top) / 2))-\(padded(left + (right - left) / 2))"
    }

    /// `name`, or `name-1`, `name-2`... whichever is not yet in `used`; records the result.
    static func uniqueName(_ name: String, used: inout Set<String>) -> String {
        var candidate = name
        var suffix = 1
        while used.contains(candidate) {
            candidate = "\(name)-\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// One `.roi` entry: header 1, integer coordinates relative to the bounds, header 2, UTF-16 name.
    static func encodeTraced(_ outline: ROITracer.Outline, name: String) -> Data {
        let n = outline.xs.count
        let (left, right) = (outline.xs.min() ?? 0, outline.xs.max() ?? 0)
        let (top, bottom) = (outline.ys.min() ?? 0, outline.ys.max() ?? 0)
        let header2 = ROILayout.coordinates + 4 * n
        let nameUnits = Array(name.utf16)
        var w = ROIByteWriter(count: header2 + ROILayout.header2Size + 2 * nameUnits.count)
        w.put("Iout", at: 0)
        w.put16(Int(ROILayout.writtenVersion), at: ROILayout.version)
        w.put16(Int(ROI.Kind.traced.imagejTypeCode) << 8, at: ROILayout.type)  // type byte, then a pad byte
        w.put16(top, at: ROILayout.top)  // values above 32767 wrap; readers unwrap them
        w.put16(left, at: ROILayout.left)
        w.put16(bottom, at: ROILayout.bottom)
        w.put16(right, at: ROILayout.right)
        if n <= Int(UInt16.max) {
            w.put16(n, at: ROILayout.coordinateCount)
        } else {
            w.put32(n, at: ROILayout.largeCount)  // ImageJ's convention: 16-bit count 0, 32-bit count here
        }
        w.put32(header2, at: ROILayout.header2Offset)
        for i in 0..<n {
            w.put16(outline.xs[i] - left, at: ROILayout.coordinates + 2 * i)
            w.put16(outline.ys[i] - top, at: ROILayout.coordinates + 2 * (n + i))
        }
        let nameOffset = header2 + ROILayout.header2Size
        w.put32(nameOffset, at: header2 + ROILayout.nameOffset)
        w.put32(nameUnits.count, at: header2 + ROILayout.nameLength)
        for (i, unit) in nameUnits.enumerated() { w.put16(Int(unit), at: nameOffset + 2 * i) }
        return Data(w.bytes)
    }
}
