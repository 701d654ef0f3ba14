namespace TexturePlugin;

/// <summary>
/// The names a host and this plugin agree on (ARCHITECTURE.md, "Plugin settings, commands, textures").
/// </summary>
public static class PluginKeys
{
    // Settings the host writes.
    public const string Mode = "mode";                       // "synthesis" | "repair"
    public const string ModeSynthesis = "synthesis";
    public const string ModeRepair = "repair";
    public const string Material = "synthesis.material";     // a name from the "materials" stat
    public const string Seed = "synthesis.seed";
    public const string Animate = "synthesis.animate";       // 0 | 1
    public const string Size = "synthesis.size";             // side in pixels
    public const string Brush = "repair.brush";              // brush radius in texels

    // Commands the host sends.
    public const string Open = "repair.open";                // argument: image path
    public const string Save = "repair.save";                // argument: output path
    public const string AutoDetect = "repair.autodetect";    // damage from alpha < 128
    public const string ClearMask = "repair.clear";

    // Textures the plugin publishes (names inside its registry scope).
    public const string SynthesisOutput = "synthesis.output";
    public const string RepairBefore = "repair.before";
    public const string RepairAfter = "repair.after";
    public const string RepairMask = "repair.mask";

    // Figures for the HUD.
    public const string InferenceMs = "inference_ms";         // the newest run, once the model is open
    public const string FirstRunMs = "first_run_ms";          // a model's first run: opening it (load, warm-up) included
    public const string Provider = "provider";
    public const string Materials = "materials";             // comma-separated
    public const string CurrentMaterial = "material";
    public const string FramesProduced = "frames";           // images uploaded
    public const string Renders = "renders";                 // images rendered (some replaced by newer ones before upload)
    public const string Damaged = "damaged_pixels";
    public const string Status = "status";
    public const string Busy = "busy";                        // 1 while a worker has the newest request in hand
}
