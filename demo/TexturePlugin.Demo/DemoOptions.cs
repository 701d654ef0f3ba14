using System.Globalization;

namespace TexturePlugin.Demo;

/// <summary>Command line of the demo.</summary>
internal sealed class DemoOptions
{
    public const string Usage = """
        TexturePlugin demo: loads the plugin at run time and shows its textures live.
        usage: TexturePlugin.Demo [options]
          --headless               no window: surfaceless EGL, render offscreen
          --mode synth|repair      start mode (default synth)
          --frames N               render N frames, then exit (headless default 60)
          --screenshot FILE.png    write the last frame (after the plugin's work settled)
          --size WxH               window / frame size (default 1280x720)
          --material NAME          synthesis material (a model or a procedural one)
          --seed N                 synthesis seed (default 7)
          --texture-size N         synthesis texture side (default 256)
          --animate                animate the synthesis noise
          --tiled                  3x3 tiled preview
          --image FILE             repair: texture to open (else a procedural one)
          --no-stroke              repair, headless: skip the scripted brush stroke
          --stroke                 repair, windowed: paint the scripted stroke too (demos, screenshots)
          --no-hud                 no HUD (reference screenshots)
          --plugins DIR            plugin folder (default: plugins/ beside the demo)
          --bench                  headless benchmark: synthesis fps, upload vs memcpy, GC per frame
          --vsync                  windowed: sync to the display
          --max-fps N              cap the frame rate (default: none headless, 240 windowed)
          --no-watch               do not hot-reload plugins when their DLLs change
        keys: Tab mode | M/N material | Space seed | A animate | T tiled | G seams | +/- size
              repair: left paint, right erase, [ ] brush, D damage from alpha, C clear, B split, S save | Esc quit
        """;

    public bool Headless { get; private set; }

    public string Mode { get; private set; } = "synth";

    public int? Frames { get; private set; }

    public string? Screenshot { get; private set; }

    public int Width { get; private set; } = 1280;

    public int Height { get; private set; } = 720;

    public string? Material { get; private set; }

    public int Seed { get; private set; } = 7;

    public int TextureSize { get; private set; } = 256;

    public bool Animate { get; private set; }

    public bool Tiled { get; private set; }

    public string? Image { get; private set; }

    public bool Stroke { get; private set; } = true;

    public bool ForceStroke { get; private set; }

    public bool Hud { get; private set; } = true;

    public string? Plugins { get; private set; }

    public bool Bench { get; private set; }

    public bool Vsync { get; private set; }

    public bool Watch { get; private set; } = true;

    public double? MaxFps { get; private set; }

    public bool Help { get; private set; }

    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var o = new DemoOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new DemoException($"{arg} needs a value.");
            int Int(int min, int max)
            {
                string text = Value();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
                    throw new DemoException($"{arg} {text}: expected a whole number in {min}..{max}.");
                return v;
            }

            switch (arg)
            {
                case "--headless": o.Headless = true; break;
                case "--mode":
                    o.Mode = Value() switch
                    {
                        "synth" or "synthesis" => "synth",
                        "repair" => "repair",
                        var m => throw new DemoException($"--mode {m}: expected synth or repair."),
                    };
                    break;
                case "--frames": o.Frames = Int(1, 1_000_000); break;
                case "--screenshot": o.Screenshot = Value(); break;
                case "--size":
                    string size = Value();
                    var parts = size.Split('x', 'X');
                    if (parts.Length != 2 || !int.TryParse(parts[0], out int w) || !int.TryParse(parts[1], out int h) || w < 64 || h < 64 || w > 8192 || h > 8192)
                        throw new DemoException($"--size {size}: expected WIDTHxHEIGHT, each 64..8192.");
                    (o.Width, o.Height) = (w, h);
                    break;
                case "--material": o.Material = Value(); break;
                case "--seed": o.Seed = Int(int.MinValue, int.MaxValue); break;
                case "--texture-size": o.TextureSize = Int(16, 4096); break;
                case "--animate": o.Animate = true; break;
                case "--tiled": o.Tiled = true; break;
                case "--image": o.Image = Value(); break;
                case "--no-stroke": o.Stroke = false; break;
                case "--stroke": o.ForceStroke = true; break;
                case "--no-hud": o.Hud = false; break;
                case "--plugins": o.Plugins = Value(); break;
                case "--bench": o.Bench = true; o.Headless = true; break;
                case "--vsync": o.Vsync = true; break;
                case "--no-watch": o.Watch = false; break;
                case "--max-fps": o.MaxFps = Int(1, 10000); break;
                case "--help" or "-h": o.Help = true; break;
                default:
                    if (!arg.StartsWith('-') && File.Exists(arg))
                    {
                        o.Image = arg; // a texture given plainly opens in repair mode
                        o.Mode = "repair";
                        break;
                    }

                    throw new DemoException($"Unknown argument '{arg}'. Try --help.");
            }
        }

        if (o.Headless && o.Frames is null)
            o.Frames = 60;
        return o;
    }
}
