using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Repair.Structure;

namespace TexturePlugin.Cli.Commands;

/// <summary><c>texplug repair IN (--mask MASK | --alpha | --key RRGGBB) -o OUT</c> and <c>texplug tile IN -o OUT</c>.</summary>
internal static class RepairCommand
{
    public static Command Create(GlobalOptions global, IAnsiConsole console)
    {
        var input = new Argument<string>("input") { Description = "Damaged image" };
        var mask = new Option<string?>("--mask") { Description = "Mask image of the same size: white = damaged" };
        var alpha = new Option<bool>("--alpha") { Description = "Damaged = transparent pixels (alpha below 128)" };
        var key = new Option<string?>("--key") { Description = "Damaged = pixels of this colour, RRGGBB" };
        var model = new Option<string?>("--model") { Description = "Repair model file (default: the catalog's repair model)" };
        var output = new Option<string>("--output", "-o") { Description = "Output image", Required = true };
        var fullContext = new Option<bool>("--full-context")
        {
            Description = "Give each tile the model's whole receptive field as context (slower; default: the margin measured for the model)",
        };
        var margin = new Option<int?>("--margin")
        {
            Description = "Context pixels around the damage in each tile (default: the model's tile_margin; smaller is faster)",
        };
        var guideContext = new Option<int?>("--guide-context")
        {
            Description = "Pixels around each tile the copy guide searches for texture (default: the model's guide_context; 0 = the tile alone)",
        };
        var guideStep = new Option<int?>("--guide-step")
        {
            Description = $"The copy guide scans every k-th source row and column of a tile's window, then refines (1 to {CoarseGuide.MaxSourceStep}; default: the model's guide_step; 1 = every source)",
        };
        var allowFull = new Option<bool>("--allow-full")
        {
            Description = $"Repair even when the mask marks more than {RepairChecks.MaxDamagedShare * 100:0}% of the image (refused otherwise: nothing is left to copy from)",
        };
        var noStructure = NoStructureOption();
        var command = new Command("repair", "Repair the damaged parts of a texture")
        {
            input, mask, alpha, key, model, fullContext, margin, guideContext, guideStep, allowFull, noStructure, output,
        };
        command.SetAction(result =>
        {
            string? maskPath = result.GetValue(mask), keyText = result.GetValue(key);
            bool fromAlpha = result.GetValue(alpha);
            int sources = (maskPath is null ? 0 : 1) + (fromAlpha ? 1 : 0) + (keyText is null ? 0 : 1);
            if (sources != 1)
                throw new CliException("Give exactly one of --mask MASK.png, --alpha or --key RRGGBB.");
            string outPath = CliIO.CheckOutput(result.GetValue(output), result.GetValue(global.Force));
            ImageLimits limits = global.Limits(result);
            int? marginPx = result.GetValue(margin), guidePx = result.GetValue(guideContext);
            if (marginPx is not null && result.GetValue(fullContext))
                throw new CliException("Give --margin or --full-context, not both.");
            if (marginPx < 0)
                throw new CliException($"--margin must be 0 or more, not {marginPx}.");
            if (guidePx < 0)
                throw new CliException($"--guide-context must be 0 or more, not {guidePx}.");
            int? step = result.GetValue(guideStep);
            if (step < 1 || step > CoarseGuide.MaxSourceStep)
                throw new CliException($"--guide-step must be 1 to {CoarseGuide.MaxSourceStep}, not {step}.");
            string inPath = result.GetValue(input)!;
            if (maskPath is not null)
                RepairChecks.CheckMaskHeader(inPath, maskPath);
            RgbaImage image = CliIO.LoadImage(inPath, "input image", limits);
            DamageMask damage;
            if (maskPath is not null)
                damage = MaskSources.FromMaskImage(CliIO.LoadImage(maskPath, "mask", limits), image.Width, image.Height, maskPath);
            else if (fromAlpha)
                damage = MaskSources.FromAlpha(image);
            else
            {
                var (r, g, b) = MaskSources.ParseKey(keyText!);
                damage = MaskSources.FromKey(image, r, g, b);
            }
            int damaged = damage.CountDamaged();
            string maskName = maskPath ?? (fromAlpha ? $"the alpha of {inPath}" : $"the key colour {keyText} in {inPath}");
            RepairChecks.CheckShare(damaged, image.Width, image.Height, maskName, result.GetValue(allowFull));

            var watch = Stopwatch.StartNew();
            using LoadedModel loaded = CliIO.LoadRepairModel(result.GetValue(model), global, result);
            using var engine = new RepairEngine(loaded.Session, loaded.Manifest);
            if (result.GetValue(fullContext) && loaded.Manifest.ReceptiveField > engine.Margin)
                engine.Margin = loaded.Manifest.ReceptiveField;
            if (marginPx is int mp)
                engine.Margin = mp;
            if (guidePx is int gp)
                engine.GuideContext = gp;
            if (step is int st)
                engine.GuideStep = st;
            if (result.GetValue(noStructure))
                engine.Structure = StructureOptions.Default with { Enabled = false };
            RgbaImage repaired = CliIO.WithProgress(console, $"repair {Path.GetFileName(inPath)}",
                progress => engine.Repair(image, damage, dirtyTilesOnly: true, progress));
            ImageIO.Save(repaired, outPath, replaceReadOnly: result.GetValue(global.Force));
            console.MarkupLine(Markup.Escape($"wrote {outPath} ({image.Width}x{image.Height}, {damaged} damaged pixels, model '{loaded.Manifest.Name}' on {loaded.Session.Provider}, tile margin {engine.Margin} px, guide context {engine.GuideContext} px, guide step {engine.GuideStep}) in {watch.ElapsedMilliseconds} ms"));
            if (RepairChecks.NothingChanged(image, repaired, damaged) is string same)
                console.MarkupLine(Markup.Escape($"note: {same}"));
            return 0;
        });
        return command;
    }

    /// <summary>--no-structure: the network's fill alone, without the structure fill's copy along the texture's offsets.</summary>
    private static Option<bool> NoStructureOption() => new("--no-structure")
    {
        Description = "Fill large damage with the network alone (default: copy the texture along its dominant offsets, then blend the network's shading in)",
    };

    public static Command CreateTile(GlobalOptions global, IAnsiConsole console)
    {
        var input = new Argument<string>("input") { Description = "Texture that does not tile" };
        var band = new Option<int>("--band") { Description = "Pixels repaired on each side of the seams (0 = 1/16 of the smaller side, at least 8)", DefaultValueFactory = _ => 0 };
        var model = new Option<string?>("--model") { Description = "Repair model file (default: the catalog's repair model)" };
        var output = new Option<string>("--output", "-o") { Description = "Output image", Required = true };
        var noStructure = NoStructureOption();
        var command = new Command("tile", "Make a texture tile seamlessly (repairs a band across its wrap-around seams)") { input, band, model, noStructure, output };
        command.SetAction(result =>
        {
            string outPath = CliIO.CheckOutput(result.GetValue(output), result.GetValue(global.Force));
            int halfBand = result.GetValue(band);
            if (halfBand < 0)
                throw new CliException($"--band must be 0 (automatic) or positive, not {halfBand}.");
            string inPath = result.GetValue(input)!;
            RgbaImage image = CliIO.LoadImage(inPath, "input image", global.Limits(result));
            RepairChecks.CheckBand(halfBand, image.Width, image.Height);
            var watch = Stopwatch.StartNew();
            using LoadedModel loaded = CliIO.LoadRepairModel(result.GetValue(model), global, result);
            using var engine = new RepairEngine(loaded.Session, loaded.Manifest);
            if (result.GetValue(noStructure))
                engine.Structure = StructureOptions.Default with { Enabled = false };
            RgbaImage seamless = CliIO.WithProgress(console, $"tile {Path.GetFileName(inPath)}",
                progress => engine.MakeTileable(image, halfBand, progress));
            ImageIO.Save(seamless, outPath, replaceReadOnly: result.GetValue(global.Force));
            console.MarkupLine(Markup.Escape($"wrote {outPath} ({image.Width}x{image.Height}, seams repaired with model '{loaded.Manifest.Name}') in {watch.ElapsedMilliseconds} ms"));
            if (RepairChecks.NothingChanged(image, seamless, damaged: 1) is string same)
                console.MarkupLine(Markup.Escape($"note: {same}"));
            return 0;
        });
        return command;
    }
}
