import Imaging

extension ROISet {
    /// Rasterises the ROIs onto a `(height, width)` label image (row-major, X fastest): ROI k (1-based,
    /// file order) becomes label k, later ROIs overwrite earlier ones where they overlap, and everything
    /// is clipped to the canvas.
    ///
    /// A pixel belongs to a ROI when its centre (x + 0.5, y + 0.5) lies inside it (ImageJ's rule):
    /// polygon, freehand and traced outlines and composite subpaths with the even-odd rule, ovals as the
    /// ellipse inscribed in the bounds, rectangles as their bounds (with rounded corners when they have
    /// an arc size). Lines, polylines, freelines, angles, points and "no ROI" enclose no area: they
    /// produce no pixels, but still use up their label number so label k always means ROI k.
    ///
    /// Throws `ImagingError.invalidShape` for a non-positive size and `invalidArgument` when there are
    /// more ROIs than 32-bit labels.
    public func rasterize(height: Int, width: Int) throws -> LabelImage {
        guard rois.count < Int(UInt32.max) else {
            throw ImagingError.invalidArgument(
                name: "rois.count", value: "\(rois.count)", reason: "more ROIs than 32-bit labels")
        }
        var image = try LabelImage(zerosWithShape: [height, width])
        var canvas = ROIRasterizer(height: height, width: width, labels: image.labels)
        for (index, roi) in rois.enumerated() {
            canvas.fill(roi, label: UInt32(index + 1))
        }
        image.labels = canvas.labels
        return image
    }
}

/// Scan-conversion of one ROI at a time into a row-major label buffer.
struct ROIRasterizer {
    let height: Int
    let width: Int
    var labels: [UInt32]

    mutating func fill(_ roi: ROI, label: UInt32) {
        switch roi.kind {
        case .polygon, .freehand, .traced: fillEvenOdd([roi.vertices], label: label)
        case .composite: fillEvenOdd(roi.subpaths, label: label)
        case .rectangle: fillRectangle(roi.bounds, cornerDiameter: Double(roi.cornerDiameter), label: label)
        case .oval: fillOval(roi.bounds, label: label)
        case .line, .freeline, .polyline, .noROI, .angle, .point: break
        }
    }

    /// Sets pixels `first..<end` of `row`, clipped to the canvas.
    private mutating func span(row: Int, first: Int, end: Int, label: UInt32) {
        let lo = max(first, 0)
        let hi = min(end, width)
        guard row >= 0, row < height, lo < hi else { return }
        let base = row * width
        for i in (base + lo)..<(base + hi) { labels[i] = label }
    }

    /// Rows whose pixel centre y + 0.5 lies in [lo, hi), clipped to the canvas.
    private func rows(from lo: Double, to hi: Double) -> Range<Int> {
        let first = max(0, ROIRect.ceilToInt(lo - 0.5))
        let end = min(height, ROIRect.ceilToInt(hi - 0.5))
        return first..<max(first, end)
    }

    /// Fills pixels whose centre is inside the closed `paths` under the even-odd rule, one row at a time
    /// with an active-edge list, so the work is proportional to rows spanned plus edge crossings.
    mutating func fillEvenOdd(_ paths: [[ROIPoint]], label: UInt32) {
        // An edge with the row range whose centres it crosses (half-open in y, so shared vertices count once).
        struct Edge { var a: ROIPoint; var b: ROIPoint; var rows: Range<Int> }
        var edges: [Edge] = []
        for path in paths where path.count >= 2 {
            for (i, a) in path.enumerated() {
                let b = path[(i + 1) % path.count]
                guard a.y != b.y else { continue }
                let r = rows(from: min(a.y, b.y), to: max(a.y, b.y))
                if !r.isEmpty { edges.append(Edge(a: a, b: b, rows: r)) }
            }
        }
        guard let firstRow = edges.map(\.rows.lowerBound).min(),
            let endRow = edges.map(\.rows.upperBound).max()
        else { return }
        edges.sort { $0.rows.lowerBound < $1.rows.lowerBound }
        var next = 0
        var active: [Edge] = []
        var crossings: [Double] = []
        for row in firstRow..<endRow {
            active.removeAll { $0.rows.upperBound <= row }
            while next < edges.count, edges[next].rows.lowerBound <= row {
                active.append(edges[next])
                next += 1
            }
            let yc = Double(row) + 0.5
            crossings.removeAll(keepingCapacity: true)
            for e in active {
                crossings.append(e.a.x + (yc - e.a.y) * (e.b.x - e.a.x) / (e.b.y - e.a.y))
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                // Centres x + 0.5 in [left, right).
                span(
                    row: row, first: ROIRect.ceilToInt(crossings[k] - 0.5),
                    end: ROIRect.ceilToInt(crossings[k + 1] - 0.5), label: label)
                k += 2
            }
        }
    }

    /// Pixel centres inside `bounds` (half-open), with corners rounded by ellipse quadrants of diameter
    /// `cornerDiameter` (clamped to the rectangle's size, as Java's RoundRectangle2D does).
    mutating func fillRectangle(_ bounds: ROIRect, cornerDiameter: Double, label: UInt32) {
        let rx = min(cornerDiameter, bounds.width) / 2
        let ry = min(cornerDiameter, bounds.height) / 2
        for row in rows(from: bounds.y, to: bounds.maxY) {
            var inset = 0.0
            if rx > 0, ry > 0 {
                let yc = Double(row) + 0.5
                let dy = max(bounds.y + ry - yc, yc - (bounds.maxY - ry), 0) / ry
                inset = rx - rx * (1 - min(dy * dy, 1)).squareRoot()
            }
            span(
                row: row, first: ROIRect.ceilToInt(bounds.x + inset - 0.5),
                end: ROIRect.ceilToInt(bounds.maxX - inset - 0.5), label: label)
        }
    }

    /// Pixel centres strictly inside the ellipse inscribed in `bounds`.
    mutating func fillOval(_ bounds: ROIRect, label: UInt32) {
        let rx = bounds.width / 2
        let ry = bounds.height / 2
        guard rx > 0, ry > 0 else { return }
        let cx = bounds.x + rx
        let cy = bounds.y + ry
        for row in rows(from: bounds.y, to: bounds.maxY) {
            let dy = (Double(row) + 0.5 - cy) / ry
            guard dy * dy < 1 else { continue }
            let half = rx * (1 - dy * dy).squareRoot()
            // Open interval (cx - half, cx + half): the first centre strictly right of the left end.
            let first = ROIRect.ceilToInt((cx - half - 0.5).nextUp)
            span(row: row, first: first, end: ROIRect.ceilToInt(cx + half - 0.5), label: label)
        }
    }
}
