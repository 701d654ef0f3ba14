using System.Globalization;
using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Models;

/// <summary>
/// Compares a manifest with the ONNX model's own <c>metadata_props</c> (texplug.*) and the graph's input and output
/// names and channel counts, and names every difference.
/// </summary>
public static class ModelValidator
{
    public const string KeyKind = "texplug.kind";
    public const string KeyValueRange = "texplug.value_range";
    public const string KeyNoiseChannels = "texplug.noise_channels";
    public const string KeyNoiseCell = "texplug.noise_cell";
    public const string KeySizeMultiple = "texplug.size_multiple";
    public const string KeyTileable = "texplug.tileable";

    /// <summary>Every difference between the manifest and the model (empty when they agree).</summary>
    public static IReadOnlyList<string> Compare(ModelManifest manifest, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<TensorInfo> inputs, IReadOnlyList<TensorInfo> outputs)
    {
        var d = new List<string>();
        string kind = manifest.Kind == ModelKind.Synthesis ? "synthesis" : "repair";
        Text(d, metadata, KeyKind, kind);

        if (!metadata.TryGetValue(KeyValueRange, out string? range))
            d.Add($"metadata_props lack {KeyValueRange} (manifest: {manifest.ValueRange.Lo.ToString(CultureInfo.InvariantCulture)},{manifest.ValueRange.Hi.ToString(CultureInfo.InvariantCulture)})");
        else
        {
            string[] parts = range.Trim().Trim('[', ']').Split(',');
            if (parts.Length != 2 || !float.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float lo)
                || !float.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float hi))
                d.Add($"{KeyValueRange} is '{range}', not 'lo,hi'");
            else if (lo != manifest.ValueRange.Lo || hi != manifest.ValueRange.Hi)
                d.Add($"{KeyValueRange} is [{lo.ToString(CultureInfo.InvariantCulture)}, {hi.ToString(CultureInfo.InvariantCulture)}] but the manifest says {manifest.ValueRange}");
        }

        if (manifest.Noise is not null)
        {
            Int(d, metadata, KeyNoiseChannels, manifest.Noise.Channels, "noise.channels");
            Int(d, metadata, KeyNoiseCell, manifest.Noise.Cell, "noise.cell");
        }
        else
        {
            // A model without a noise input may still say so explicitly with 0 (the repair export does).
            foreach (string key in new[] { KeyNoiseChannels, KeyNoiseCell })
                if (metadata.TryGetValue(key, out string? v) && v.Trim() != "0")
                    d.Add($"{key} is {v} but the manifest has no \"noise\" section");
        }
        Int(d, metadata, KeySizeMultiple, manifest.SizeMultiple, "size_multiple");
        if (!metadata.TryGetValue(KeyTileable, out string? tileable))
            d.Add($"metadata_props lack {KeyTileable} (manifest: {(manifest.Tileable ? "true" : "false")})");
        else if (!TryBool(tileable, out bool t))
            d.Add($"{KeyTileable} is '{tileable}', not true or false");
        else if (t != manifest.Tileable)
            d.Add($"{KeyTileable} is {(t ? "true" : "false")} but the manifest says {(manifest.Tileable ? "true" : "false")}");

        foreach (ModelInput input in manifest.Inputs)
        {
            TensorInfo? graph = inputs.FirstOrDefault(i => i.Name == input.Name);
            if (graph is null)
                d.Add($"manifest input '{input.Name}' (role {input.Role}) is not a graph input (graph inputs: {Names(inputs)})");
            else
                Shape(d, "input", graph, input.Channels);
        }
        foreach (TensorInfo graph in inputs.Where(g => manifest.Inputs.All(i => i.Name != g.Name)))
            d.Add($"graph input '{graph.Name}' {Dims(graph)} is not in the manifest");

        TensorInfo? output = outputs.FirstOrDefault(o => o.Name == manifest.Output.Name);
        if (output is null)
            d.Add($"manifest output '{manifest.Output.Name}' is not a graph output (graph outputs: {Names(outputs)})");
        else
            Shape(d, "output", output, manifest.Output.Channels);
        return d;
    }

    /// <summary>Throws <see cref="ModelMismatchException"/> naming every difference, if there are any.</summary>
    public static void Validate(ModelManifest manifest, ModelSession session)
    {
        IReadOnlyList<string> differences = Compare(manifest, session.Metadata, session.Inputs, session.Outputs);
        if (differences.Count > 0)
            throw new ModelMismatchException(session.FilePath, differences);
    }

    private static void Shape(List<string> d, string what, TensorInfo graph, int channels)
    {
        if (graph.Rank != 4)
            d.Add($"graph {what} '{graph.Name}' has rank {graph.Rank} {Dims(graph)}, expected NCHW (rank 4)");
        else if (graph.Dimensions[1] >= 0 && graph.Dimensions[1] != channels)
            d.Add($"graph {what} '{graph.Name}' has {graph.Dimensions[1]} channels {Dims(graph)} but the manifest says {channels}");
        if (graph.ElementType != typeof(float))
            d.Add($"graph {what} '{graph.Name}' is {graph.ElementType.Name}, expected float");
    }

    private static void Text(List<string> d, IReadOnlyDictionary<string, string> metadata, string key, string expected)
    {
        if (!metadata.TryGetValue(key, out string? value))
            d.Add($"metadata_props lack {key} (manifest: {expected})");
        else if (!string.Equals(value.Trim(), expected, StringComparison.OrdinalIgnoreCase))
            d.Add($"{key} is '{value}' but the manifest says '{expected}'");
    }

    private static void Int(List<string> d, IReadOnlyDictionary<string, string> metadata, string key, int expected, string field)
    {
        if (!metadata.TryGetValue(key, out string? value))
            d.Add($"metadata_props lack {key} (manifest {field}: {expected})");
        else if (!int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int actual))
            d.Add($"{key} is '{value}', not a whole number");
        else if (actual != expected)
            d.Add($"{key} is {actual} but the manifest {field} is {expected}");
    }

    private static bool TryBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true": case "1": case "yes": value = true; return true;
            case "false": case "0": case "no": value = false; return true;
            default: value = false; return false;
        }
    }

    private static string Names(IEnumerable<TensorInfo> infos) => string.Join(", ", infos.Select(i => i.Name));

    private static string Dims(TensorInfo info) => "[" + string.Join(", ", info.Dimensions.Select(x => x < 0 ? "?" : x.ToString(CultureInfo.InvariantCulture))) + "]";
}
