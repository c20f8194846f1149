import Imaging

/// How the pages of a TIFF map to array axes, decided from the first page's metadata:
/// ImageJ hyperstack description, OME-XML, or neither (pages are Z slices).
struct TIFFLayout {
    /// Indices of the pages to read, in storage order (ascending).
    var pages: [Int]
    /// The axes the page sequence spans, slowest first; extents multiply to `pages.count`.
    var pageAxes: [(axis: Axis, extent: Int)]
    var spacing: Spacing?
    var channelNames: [String]?
    var notes: [String]

    /// The layout for `pages` (all pages of the main chain) given page 0's ImageDescription and
    /// ImageJ labels. Throws `unsupported` when the metadata promises pages the file lacks.
    static func make(pages: [TIFFPage], description: String?, labels: [String]?, source: String) throws -> TIFFLayout {
        var ignored: String?
        if let text = description, let ij = ImageJDescription(text) {
            if let layout = try imageJ(ij, pages: pages, labels: labels, source: source) { return layout }
            ignored = "ImageJ dimensions disagree with the image count; ignored"
        } else if let text = description, let ome = OMEMetadata.parse(text) {
            if let layout = try self.ome(ome, pages: pages, source: source) { return layout }
            ignored = "OME-XML sizes disagree with the pages; ignored"
        }
        var layout = plain(pages)
        if let ignored { layout.notes.insert(ignored, at: 0) }
        return layout
    }

    /// ImageJ: pages are channel fastest, then slice, then frame. Nil when the counts are inconsistent.
    private static func imageJ(
        _ ij: ImageJDescription, pages: [TIFFPage], labels: [String]?, source: String
    ) throws -> TIFFLayout? {
        var (c, z, t) = (ij.channels ?? 1, ij.slices ?? 1, ij.frames ?? 1)
        guard let product = checkedProduct([c, z, t]) else { return nil }
        let images = ij.images ?? product
        if product == 1, images > 1 { z = images }  // a plain ImageJ stack: images are slices
        guard c * z * t == images else { return nil }
        guard images <= pages.count else {
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff,
                feature:
                    "an ImageJ file declaring \(images) images in \(pages.count) pages (ImageJ's raw >4 GiB layout)")
        }
        var notes = [ij.hyperstack ? "ImageJ hyperstack" : "ImageJ"]
        if images < pages.count { notes.append("read the \(images) images ImageJ declares of \(pages.count) pages") }
        let names = labels.flatMap { l in
            c > 1 && l.count >= c && l.prefix(c).allSatisfy { !$0.isEmpty } ? Array(l.prefix(c)) : nil
        }
        return TIFFLayout(
            pages: Array(0..<images), pageAxes: [(.t, t), (.z, z), (.c, c)],
            spacing: imageJSpacing(ij, pages[0]), channelNames: names, notes: notes)
    }

    /// ImageJ calibration: X/Y from the resolution tags (pixels per `unit`), Z from `spacing`.
    private static func imageJSpacing(_ ij: ImageJDescription, _ first: TIFFPage) -> Spacing? {
        guard let unit = ij.unit else { return TIFFResolution.spacing(first) }
        if let x = TIFFResolution.pixelSize(first.info.x_resolution) {
            let y = TIFFResolution.pixelSize(first.info.y_resolution) ?? x
            return Spacing(x: x, y: y, z: ij.spacing, unit: unit)
        }
        return ij.spacing.map { Spacing(x: 1, y: 1, z: $0, unit: unit) }
    }

    /// OME-TIFF: the first Image's planes in DimensionOrder, starting at its first TiffData IFD.
    /// Nil when the XML does not describe these pages.
    private static func ome(_ ome: OMEMetadata, pages: [TIFFPage], source: String) throws -> TIFFLayout? {
        let first = pages[0]
        guard ome.sizeX == first.width, ome.sizeY == first.height, var axes = ome.planeAxes else { return nil }
        let samples = first.samples
        if samples > 1 {
            // Interleaved samples (RGB) count towards SizeC in OME.
            guard ome.sizeC % samples == 0 else { return nil }
            axes = axes.map { $0.axis == .c ? (.c, ome.sizeC / samples) : $0 }
        }
        guard let planes = checkedProduct(axes.map(\.extent)) else { return nil }
        let start = ome.firstIFD ?? 0
        guard start >= 0, start <= pages.count, planes <= pages.count - start else {
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff,
                feature:
                    "an OME-TIFF whose \(planes) planes are not all in this file (it has \(pages.count) pages; multi-file OME-TIFF)"
            )
        }
        var notes = ["OME-XML"]
        if ome.imageCount > 1 { notes.append("OME-XML describes \(ome.imageCount) images; read the first") }
        if Set(ome.referencedFiles).count > 1 {
            notes.append("multi-file OME-TIFF: read the planes stored in this file")
        }
        let names = ome.channelNames.count == ome.sizeC && samples == 1 ? ome.channelNames.compactMap { $0 } : []
        return TIFFLayout(
            pages: Array(start..<start + planes), pageAxes: axes, spacing: ome.spacing,
            channelNames: names.count == ome.sizeC ? names : nil, notes: notes)
    }

    /// No metadata: every full-resolution page is a Z slice; spacing from inch/cm resolution tags.
    private static func plain(_ pages: [TIFFPage]) -> TIFFLayout {
        var used = pages
        var notes: [String] = []
        let full = pages.filter { !$0.isReducedResolution }
        if pages.count > 1, !full.isEmpty, full.count < pages.count {
            notes.append("\(pages.count - full.count) reduced-resolution pages skipped")
            used = full
        }
        if used.count > 1 { notes.append("pages read as Z slices") }
        return TIFFLayout(
            pages: used.map(\.index), pageAxes: [(.z, used.count)], spacing: TIFFResolution.spacing(pages[0]),
            channelNames: nil, notes: notes)
    }

    /// The array axes and shape: page axes of extent > 1, then the samples of each pixel as C
    /// (when more than one), then Y and X. Throws when both pages and samples carry channels.
    func arrayAxes(samples: Int, height: Int, width: Int, source: String) throws -> (axes: [Axis], shape: [Int]) {
        var dims = pageAxes.filter { $0.extent > 1 }
        if samples > 1 {
            guard !dims.contains(where: { $0.axis == .c }) else {
                throw ImageFormatsError.unsupported(
                    source: source, format: .tiff, feature: "several channels of multi-sample (RGB) pages")
            }
            dims.append((.c, samples))
        }
        dims += [(.y, height), (.x, width)]
        return (dims.map(\.axis), dims.map(\.extent))
    }

    private static func checkedProduct(_ values: [Int]) -> Int? {
        var product = 1
        for v in values {
            let (p, overflow) = product.multipliedReportingOverflow(by: v)
            guard !overflow, v > 0 else { return nil }
            product = p
        }
        return product
    }
}
