using System.Globalization;
using System.Text.Json;
using TexturePlugin.Core.Tensors;

namespace TexturePlugin.Core.Models;

/// <summary>What a model does.</summary>
public enum ModelKind
{
    /// <summary>Noise in, texture out.</summary>
    Synthesis,
    /// <summary>Damaged image, mask and guide in, repaired image out.</summary>
    Repair,
}

/// <summary>One model input as the manifest declares it.</summary>
public sealed class ModelInput
{
    public ModelInput(string name, string role, int channels)
    {
        Name = name;
        Role = role;
        Channels = channels;
    }

    public string Name { get; }

    /// <summary>"noise" and optionally "origin" (synthesis); "image", "mask" or "guide" (repair).</summary>
    public string Role { get; }

    public int Channels { get; }
}

/// <summary>The model output as the manifest declares it.</summary>
public sealed class ModelOutput
{
    public ModelOutput(string name, int channels)
    {
        Name = name;
        Channels = channels;
    }

    public string Name { get; }
    public int Channels { get; }
}

/// <summary>Synthesis noise input: <c>[1, Channels, H / Cell, W / Cell]</c>, standard normal.</summary>
public sealed class NoiseSpec
{
    public NoiseSpec(int channels, int cell)
    {
        Channels = channels;
        Cell = cell;
    }

    public int Channels { get; }

    /// <summary>Output pixels per noise cell in each axis.</summary>
    public int Cell { get; }
}

/// <summary>Repair's coarse copy guide parameters (see ARCHITECTURE.md).</summary>
public sealed class GuideSpec
{
    public GuideSpec(int scale, int patch)
    {
        Scale = scale;
        Patch = patch;
    }

    public int Scale { get; }
    public int Patch { get; }
}

/// <summary>
/// <c>models/NAME.json</c>: what a model is, its tensors, value range, noise or guide parameters, tiling and
/// provenance. Parsed strictly: every problem is named in one <see cref="ModelException"/>.
/// </summary>
public sealed class ModelManifest
{
    public const string RoleNoise = "noise", RoleImage = "image", RoleMask = "mask", RoleGuide = "guide";

    /// <summary>
    /// Synthesis, optional: <c>[1, 2, 1, 1]</c>, the x and y in texture pixels (wrapped into the texture) where the
    /// window the model runs on starts. Copy-synthesis models (training/texlib/copysynth.py) need it: their output
    /// copies the exemplar at positions that depend on where a pixel is in the texture.
    /// </summary>
    public const string RoleOrigin = "origin";

    private ModelManifest() { }

    /// <summary>The manifest file, or a description of where the JSON came from.</summary>
    public string FilePath { get; private set; } = "";

    public string Name { get; private set; } = "";
    public ModelKind Kind { get; private set; }
    public string Description { get; private set; } = "";
    public IReadOnlyList<ModelInput> Inputs { get; private set; } = Array.Empty<ModelInput>();
    public ModelOutput Output { get; private set; } = new("", 0);
    public ValueRange ValueRange { get; private set; } = ValueRange.MinusOneToOne;
    public ChannelOrder ChannelOrder { get; private set; } = ChannelOrder.Rgb;

    /// <summary>Synthesis only.</summary>
    public NoiseSpec? Noise { get; private set; }

    /// <summary>Repair only.</summary>
    public GuideSpec? Guide { get; private set; }

    /// <summary>Width and height must be multiples of this.</summary>
    public int SizeMultiple { get; private set; } = 1;

    /// <summary>Circular padding everywhere: output wraps around without a seam.</summary>
    public bool Tileable { get; private set; }

    /// <summary>"default": true marks the repair model a catalog uses when none is named (<see cref="ModelCatalog.DefaultRepair"/>).</summary>
    public bool IsDefault { get; private set; }

    /// <summary>Pixels each side that influence an output pixel; tiled generation uses it as the margin.</summary>
    public int ReceptiveField { get; private set; }

    /// <summary>
    /// Context pixels each side a repair tile needs so that its output agrees with a whole-texture pass within the
    /// tolerance the export measured (manifest <c>context_margin</c>, metrics <c>context_margin_*</c>); the receptive
    /// field when the manifest has none. Never more than the receptive field.
    /// </summary>
    public int ContextMargin { get; private set; }

    /// <summary>
    /// The margin repair tiles get by default (manifest <c>tile_margin</c>, chosen with <see cref="GuideContext"/> by
    /// <c>training/tile_quality.py</c> on quality against the truth rather than agreement with a whole pass);
    /// <see cref="ContextMargin"/> when the manifest has none.
    /// </summary>
    public int TileMargin { get; private set; }

    /// <summary>
    /// Pixels around each repair tile the coarse copy guide searches for sources by default (manifest
    /// <c>guide_context</c>); 0 (the tile alone) when the manifest has none.
    /// </summary>
    public int GuideContext { get; private set; }

    /// <summary>
    /// The coarse copy guide's source step inside those windows by default (manifest <c>guide_step</c>, 1 to
    /// <see cref="Repair.CoarseGuide.MaxSourceStep"/>; chosen with the margin and context by <c>training/tile_quality.py</c>):
    /// 1 compares every source, k scans every k-th row and column and refines around the best. 1 when the manifest has none.
    /// </summary>
    public int GuideStep { get; private set; } = 1;

    /// <summary>
    /// Per-channel colour curves applied to a synthesis model's output bytes (manifest <c>colour_lut</c>: three
    /// non-decreasing tables of 256 values 0-255, R, G then B; <c>training/texlib/colourlut.py</c> fits them to the
    /// exemplar's histograms): 768 bytes, table c at 256 c; null when the manifest has none.
    /// </summary>
    public byte[]? ColourLut { get; private set; }

    /// <summary>Provenance fields (data, licence, recipe, training_seconds, date, seed, ...) as text.</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; private set; } = new Dictionary<string, string>();

    /// <summary>Numeric metrics (nested objects flattened with dots, e.g. "seam.ratio").</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; private set; } = new Dictionary<string, double>();

    /// <summary>The ONNX file the manifest describes: NAME.onnx beside the manifest (same file name stem).</summary>
    public string OnnxPath => Path.ChangeExtension(FilePath, ".onnx");

    /// <summary><see cref="Noise"/> channels, 0 when the model takes no noise.</summary>
    public int NoiseChannels => Noise?.Channels ?? 0;

    /// <summary><see cref="Noise"/> cell, 0 when the model takes no noise.</summary>
    public int NoiseCell => Noise?.Cell ?? 0;

    /// <summary><see cref="Guide"/> scale, 0 when the model takes no guide.</summary>
    public int GuideScale => Guide?.Scale ?? 0;

    /// <summary><see cref="Guide"/> patch size, 0 when the model takes no guide.</summary>
    public int GuidePatch => Guide?.Patch ?? 0;

    /// <summary>The input with <paramref name="role"/>, or null.</summary>
    public ModelInput? InputWithRole(string role) => Inputs.FirstOrDefault(i => i.Role == role);

    /// <summary>Reads and checks a manifest file.</summary>
    /// <exception cref="ModelException">Missing, not JSON, or invalid (every problem named).</exception>
    public static ModelManifest Load(string path)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (!File.Exists(path))
            throw new ModelException(path, "manifest does not exist");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException(path, $"manifest cannot be read ({e.Message})", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and checks manifest JSON; <paramref name="path"/> names it in errors.</summary>
    public static ModelManifest Parse(string json, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ModelException(path, $"manifest is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message})", e);
        }
        using (doc)
        {
            var problems = new List<string>();
            var m = new ModelManifest { FilePath = path };
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ModelException(path, $"manifest must be a JSON object, not {root.ValueKind}");

            m.Name = String(root, "name", problems, required: true);
            string kind = String(root, "kind", problems, required: true);
            if (kind == "synthesis") m.Kind = ModelKind.Synthesis;
            else if (kind == "repair") m.Kind = ModelKind.Repair;
            else if (kind.Length > 0) problems.Add($"\"kind\" is '{kind}', expected 'synthesis' or 'repair'");
            m.Description = String(root, "description", problems, required: false);

            var inputs = new List<ModelInput>();
            if (Get(root, "inputs", JsonValueKind.Array, problems, required: true) is JsonElement arr)
            {
                int index = 0;
                foreach (JsonElement e in arr.EnumerateArray())
                {
                    string where = $"inputs[{index++}]";
                    if (e.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add($"\"{where}\" must be an object");
                        continue;
                    }
                    inputs.Add(new ModelInput(
                        String(e, "name", problems, true, where),
                        String(e, "role", problems, true, where),
                        Int(e, "channels", problems, true, 0, where, min: 1)));
                }
                if (index == 0)
                    problems.Add("\"inputs\" is empty");
            }
            m.Inputs = inputs;
            foreach (IGrouping<string, ModelInput> dup in inputs.GroupBy(i => i.Name).Where(g => g.Count() > 1))
                problems.Add($"input name '{dup.Key}' appears {dup.Count()} times");

            if (Get(root, "output", JsonValueKind.Object, problems, required: true) is JsonElement output)
                m.Output = new ModelOutput(String(output, "name", problems, true, "output"), Int(output, "channels", problems, true, 0, "output", min: 1));

            if (Get(root, "value_range", JsonValueKind.Array, problems, required: true) is JsonElement range)
            {
                double[] values = range.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetDouble()).ToArray();
                if (values.Length != 2 || range.GetArrayLength() != 2)
                    problems.Add($"\"value_range\" must be two numbers [lo, hi], not {range.GetRawText()}");
                else if (!(values[1] > values[0]))
                    problems.Add($"\"value_range\" needs lo < hi, not [{values[0]}, {values[1]}]");
                else
                    m.ValueRange = new ValueRange((float)values[0], (float)values[1]);
            }

            string order = String(root, "channel_order", problems, required: false);
            if (order.Length > 0)
            {
                if (ChannelOrderExtensions.TryParse(order, out ChannelOrder parsed))
                    m.ChannelOrder = parsed;
                else
                    problems.Add($"\"channel_order\" is '{order}', expected RGB, BGR, RGBA or BGRA");
            }

            if (Get(root, "noise", JsonValueKind.Object, problems, required: m.Kind == ModelKind.Synthesis && kind == "synthesis") is JsonElement noise)
                m.Noise = new NoiseSpec(Int(noise, "channels", problems, true, 0, "noise", min: 1), Int(noise, "cell", problems, true, 0, "noise", min: 1));
            if (Get(root, "guide", JsonValueKind.Object, problems, required: kind == "repair") is JsonElement guide)
                m.Guide = new GuideSpec(Int(guide, "scale", problems, true, 0, "guide", min: 1), Int(guide, "patch", problems, true, 0, "guide", min: 1));

            m.SizeMultiple = Int(root, "size_multiple", problems, required: false, fallback: 1, min: 1);
            if (root.TryGetProperty("tileable", out JsonElement tileable))
            {
                if (tileable.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    m.Tileable = tileable.GetBoolean();
                else
                    problems.Add($"\"tileable\" must be true or false, not {tileable.GetRawText()}");
            }
            m.IsDefault = root.TryGetProperty("default", out JsonElement isDefault) && isDefault.ValueKind == JsonValueKind.True;
            m.ReceptiveField = Int(root, "receptive_field", problems, required: false, fallback: 0, min: 0);
            m.ContextMargin = Int(root, "context_margin", problems, required: false, fallback: m.ReceptiveField, min: 0);
            if (m.ReceptiveField > 0 && m.ContextMargin > m.ReceptiveField)
                problems.Add($"\"context_margin\" {m.ContextMargin} is larger than \"receptive_field\" {m.ReceptiveField}");
            m.TileMargin = Int(root, "tile_margin", problems, required: false, fallback: m.ContextMargin, min: 0);
            if (m.ReceptiveField > 0 && m.TileMargin > m.ReceptiveField)
                problems.Add($"\"tile_margin\" {m.TileMargin} is larger than \"receptive_field\" {m.ReceptiveField}");
            m.GuideContext = Int(root, "guide_context", problems, required: false, fallback: 0, min: 0);
            m.GuideStep = Int(root, "guide_step", problems, required: false, fallback: 1, min: 1);
            if (m.GuideStep > Repair.CoarseGuide.MaxSourceStep)
            {
                problems.Add($"\"guide_step\" must be at most {Repair.CoarseGuide.MaxSourceStep}, not {m.GuideStep}");
                m.GuideStep = 1;
            }
            if (Get(root, "colour_lut", JsonValueKind.Array, problems, required: false) is JsonElement lut)
                m.ColourLut = ColourTables(lut, problems);

            if (Get(root, "provenance", JsonValueKind.Object, problems, required: false) is JsonElement provenance)
            {
                var p = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (JsonProperty prop in provenance.EnumerateObject())
                    p[prop.Name] = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() ?? "" : prop.Value.GetRawText();
                m.Provenance = p;
            }
            if (Get(root, "metrics", JsonValueKind.Object, problems, required: false) is JsonElement metrics)
            {
                var d = new Dictionary<string, double>(StringComparer.Ordinal);
                Flatten(metrics, "", d);
                m.Metrics = d;
            }

            CheckRoles(m, kind, problems);
            if (problems.Count > 0)
                throw new ModelException(path, $"invalid manifest ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): {string.Join("; ", problems)}");
            return m;
        }
    }

    private static byte[]? ColourTables(JsonElement lut, List<string> problems)
    {
        const string Shape = "\"colour_lut\" must be three arrays of 256 non-decreasing integers 0-255";
        if (lut.GetArrayLength() != 3)
        {
            problems.Add($"{Shape}, not {lut.GetArrayLength()} arrays");
            return null;
        }
        var tables = new byte[768];
        int c = 0;
        foreach (JsonElement table in lut.EnumerateArray())
        {
            if (table.ValueKind != JsonValueKind.Array || table.GetArrayLength() != 256)
            {
                problems.Add($"{Shape}: table {c} is {(table.ValueKind == JsonValueKind.Array ? $"{table.GetArrayLength()} values long" : table.ValueKind.ToString())}");
                return null;
            }
            int i = 0, previous = 0;
            foreach (JsonElement v in table.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value) || value < previous || value > 255)
                {
                    problems.Add($"{Shape}: table {c} has {v.GetRawText()} at {i}");
                    return null;
                }
                tables[c * 256 + i++] = (byte)value;
                previous = value;
            }
            c++;
        }
        return tables;
    }

    private static void CheckRoles(ModelManifest m, string kind, List<string> problems)
    {
        if (kind == "synthesis")
        {
            ModelInput? noise = m.InputWithRole(RoleNoise);
            if (noise is null)
                problems.Add("a synthesis model needs an input with role 'noise'");
            else if (m.Noise is not null && m.Noise.Channels != noise.Channels)
                problems.Add($"input '{noise.Name}' has {noise.Channels} channels but \"noise\".channels is {m.Noise.Channels}");
            foreach (ModelInput i in m.Inputs.Where(i => i.Role is not (RoleNoise or RoleOrigin)))
                problems.Add($"input '{i.Name}' has role '{i.Role}'; a synthesis model takes 'noise' and optionally 'origin'");
            foreach (ModelInput i in m.Inputs.Where(i => i.Role == RoleOrigin && i.Channels != 2))
                problems.Add($"origin input '{i.Name}' must have 2 channels (x, y), not {i.Channels}");
            if (m.Inputs.Count(i => i.Role == RoleOrigin) > 1 || m.Inputs.Count(i => i.Role == RoleNoise) > 1)
                problems.Add("a synthesis model takes one 'noise' input and at most one 'origin' input");
            if (m.Noise is not null && m.Noise.Cell > 0 && m.SizeMultiple % m.Noise.Cell != 0)
                problems.Add($"size_multiple {m.SizeMultiple} is not a multiple of the noise cell {m.Noise.Cell}");
        }
        else if (kind == "repair")
        {
            foreach ((string role, int channels) in new[] { (RoleImage, 3), (RoleMask, 1), (RoleGuide, 3) })
            {
                ModelInput? input = m.InputWithRole(role);
                if (input is null)
                    problems.Add($"a repair model needs an input with role '{role}'");
                else if (input.Channels != channels)
                    problems.Add($"repair input '{input.Name}' (role {role}) must have {channels} channel{(channels == 1 ? "" : "s")}, not {input.Channels}");
            }
            foreach (ModelInput i in m.Inputs.Where(i => i.Role is not (RoleImage or RoleMask or RoleGuide)))
                problems.Add($"input '{i.Name}' has role '{i.Role}'; a repair model takes 'image', 'mask' and 'guide'");
        }
        if (m.Output.Channels != 0 && m.Output.Channels != 3)
            problems.Add($"output '{m.Output.Name}' has {m.Output.Channels} channels; image outputs have 3");
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, double> into)
    {
        foreach (JsonProperty prop in e.EnumerateObject())
        {
            string key = prefix.Length == 0 ? prop.Name : prefix + "." + prop.Name;
            if (prop.Value.ValueKind == JsonValueKind.Number)
                into[key] = prop.Value.GetDouble();
            else if (prop.Value.ValueKind == JsonValueKind.Object)
                Flatten(prop.Value, key, into);
        }
    }

    private static JsonElement? Get(JsonElement obj, string name, JsonValueKind kind, List<string> problems, bool required, string where = "")
    {
        string label = where.Length == 0 ? $"\"{name}\"" : $"\"{where}.{name}\"";
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                problems.Add($"{label} is missing");
            return null;
        }
        if (value.ValueKind != kind)
        {
            problems.Add($"{label} must be {Article(kind)}, not {value.GetRawText()}");
            return null;
        }
        return value;
    }

    private static string String(JsonElement obj, string name, List<string> problems, bool required, string where = "")
    {
        if (Get(obj, name, JsonValueKind.String, problems, required, where) is not JsonElement value)
            return "";
        string s = value.GetString() ?? "";
        if (required && s.Trim().Length == 0)
            problems.Add($"\"{(where.Length == 0 ? name : where + "." + name)}\" is empty");
        return s;
    }

    private static int Int(JsonElement obj, string name, List<string> problems, bool required, int fallback, string where = "", int min = int.MinValue)
    {
        if (Get(obj, name, JsonValueKind.Number, problems, required, where) is not JsonElement value)
            return fallback;
        string label = where.Length == 0 ? name : where + "." + name;
        if (!value.TryGetInt32(out int result))
        {
            problems.Add($"\"{label}\" must be a whole number, not {value.GetRawText()}");
            return fallback;
        }
        if (result < min)
        {
            problems.Add($"\"{label}\" must be at least {min.ToString(CultureInfo.InvariantCulture)}, not {result}");
            return fallback;
        }
        return result;
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString(),
    };
}
