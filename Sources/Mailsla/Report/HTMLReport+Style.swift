/// The page's one style sheet and the SVG patterns every chart shares.
///
/// A restrained palette: ink and greys for structure, one slate blue for
/// neutral quantities, amber for what was excluded, violet for attacks,
/// hatching for "no data", and red only for problems (counted downtime, a
/// missed target, lost mail).
extension HTMLReport {
    static let styleSheet: StaticString = """
    :root {
      --ink: #1f2328; --muted: #59636e; --faint: #8c959f; --line: #d1d9e0; --panel: #f6f8fa;
      --slate: #6f88a3; --bad: #cf222e; --bad-bg: #ffebe9; --ok: #1a7f37; --ok-bg: #dafbe1;
      --amber: #bf8700; --amber-bg: #fff8c5; --violet: #8250df; --violet-bg: #fbefff;
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: #fff; color: var(--ink);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Helvetica Neue", "Liberation Sans", Arial, sans-serif; }
    main { max-width: 1200px; margin: 0 auto; padding: 28px 36px 48px; }
    h1 { font-size: 30px; font-weight: 600; margin: 2px 0 4px; letter-spacing: -0.01em; }
    h2 { font-size: 17px; font-weight: 600; margin: 34px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
    h3 { font-size: 14px; font-weight: 600; margin: 20px 0 8px; }
    p { margin: 6px 0; }
    code { font: 12.5px/1.3 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", monospace; }
    data { font-variant-numeric: tabular-nums; }
    .kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 11.5px; color: var(--muted); margin: 0; }
    .meta { color: var(--muted); margin: 0; }
    nav { margin-top: 10px; display: flex; gap: 4px 18px; flex-wrap: wrap; font-size: 13px; }
    nav a { color: var(--muted); text-decoration: none; border-bottom: 1px solid var(--line); }
    nav a:hover { color: var(--ink); border-bottom-color: var(--muted); }
    .note { color: var(--muted); font-size: 13px; }
    .note.bad { color: var(--bad); }
    .sub { color: var(--muted); font-weight: 400; font-size: 12.5px; }
    .bad { color: var(--bad); }

    .verdict { display: grid; grid-template-columns: minmax(370px, 1.1fr) 2fr; gap: 28px; margin-top: 22px;
      padding: 20px 24px; border: 1px solid var(--line); border-radius: 10px; background: #fff; }
    .verdict.missed { border-left: 5px solid var(--bad); }
    .big { font-size: 46px; font-weight: 600; line-height: 1.05; letter-spacing: -0.02em; font-variant-numeric: tabular-nums; }
    .verdict.missed .big { color: var(--bad); }
    .caption { color: var(--muted); font-size: 13px; margin: 4px 0 12px; }
    .badges { display: flex; gap: 8px; flex-wrap: wrap; }
    .badge { display: inline-block; padding: 3px 11px; border-radius: 999px; font-size: 13px; font-weight: 500; border: 1px solid; }
    .badge.met { color: var(--ok); background: var(--ok-bg); border-color: #aceebb; }
    .badge.missed { color: #fff; background: var(--bad); border-color: var(--bad); font-weight: 600; }
    .tiles { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 28px; margin: 0; align-content: start; }
    .tiles dt { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
    .tiles dd { margin: 2px 0 0; font-size: 21px; font-weight: 500; font-variant-numeric: tabular-nums; }
    .tiles dd.note { font-size: 12.5px; font-weight: 400; margin-top: 0; }
    .tiles .of { font-size: 13px; color: var(--muted); font-weight: 400; }
    svg.budget { display: block; margin-top: 6px; }
    svg.budget .track { fill: #e6eaef; } svg.budget .used { fill: var(--muted); } svg.budget .over { fill: var(--bad); }

    .problems ul { list-style: none; margin: 0; padding: 0; columns: 2 460px; column-gap: 24px; }
    .problems li { break-inside: avoid; margin: 0 0 5px; padding: 4px 10px; border-left: 3px solid var(--line);
      background: var(--panel); font-size: 13px; }
    .problems li.bad { border-left-color: var(--bad); background: var(--bad-bg); }
    .problems li.warn { border-left-color: #d4a72c; background: var(--amber-bg); }

    table.figures { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    table.figures.compact { width: auto; min-width: 320px; }
    table.figures caption { text-align: left; font-weight: 600; padding: 0 0 6px; }
    table.figures th, table.figures td { padding: 5px 10px; border-bottom: 1px solid #e7ebef; text-align: left; vertical-align: baseline; }
    table.figures thead th { font-size: 12px; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); white-space: nowrap; }
    table.figures tbody th { font-weight: 500; white-space: nowrap; }
    table.figures th.sub { padding-left: 24px; }
    table.figures .num { text-align: right; white-space: nowrap; }
    table.figures td.strong { font-weight: 600; }
    table.figures td.bad { color: var(--bad); font-weight: 600; }
    table.figures td.excl, table.figures td.warn { color: var(--amber); }
    table.figures tr.server th, table.figures tr.server td { background: var(--panel); font-weight: 600; }
    table.figures tr.zero th, table.figures tr.zero td { color: var(--faint); }
    table.figures td.time { font: 12.5px/1.45 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; white-space: nowrap; }
    table.figures td.list { font-size: 13px; }
    table.figures td.bar { width: 130px; vertical-align: middle; }
    table.bars tbody th { white-space: nowrap; }
    .columns { display: flex; gap: 20px 40px; flex-wrap: wrap; align-items: flex-start; }
    .columns > table { flex: 1 1 380px; }
    .tag { display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 12px; line-height: 18px;
      background: var(--panel); color: var(--muted); border: 1px solid var(--line); }
    .tag.episode { background: var(--violet-bg); color: var(--violet); border-color: #e3c6f7; }
    .tag.maintenance, .tag.manual { background: var(--amber-bg); color: #7d4e00; border-color: #eed88a; }
    ul.sources { margin: 0; padding-left: 18px; color: var(--muted); }

    svg.timeline, svg.daily { display: block; height: auto; font-family: inherit; }
    svg .lane { fill: #f1f4f7; }
    svg .lane-label { font-size: 12.5px; fill: var(--ink); }
    svg .lane-label.strong { font-weight: 600; }
    svg .grid { stroke: #e3e8ed; stroke-width: 1; }
    svg .grid.edge { stroke: #c5ced7; }
    svg .grid.hour { stroke: #edf0f3; stroke-dasharray: 2 3; }
    svg .axis.hour { fill: var(--faint); }
    svg .axis { font-size: 11px; fill: var(--muted); }
    svg .axis.bad, svg .value.bad { fill: var(--bad); font-weight: 600; }
    svg .end { text-anchor: end; } svg .mid { text-anchor: middle; }
    svg .value { font-size: 10px; fill: var(--muted); }
    svg .nodata { fill: url(#hatch); }
    svg .hatch-bg { fill: #eceff2; } svg .hatch-line { stroke: #b3bcc5; stroke-width: 2; }
    svg .hatch-excl-bg { fill: #fff3c4; } svg .hatch-excl-line { stroke: #d4a72c; stroke-width: 2; }
    svg .incident { fill: var(--bad); }
    svg .incident.excluded { fill: url(#hatch-excluded); stroke: var(--amber); stroke-width: 0.8; }
    svg .fail { fill: #e5534b; }
    svg .episode { fill: var(--violet); fill-opacity: 0.8; }
    svg .exclusion { fill: #d4a72c; fill-opacity: 0.85; }
    svg .band-exclusion { fill: #d4a72c; fill-opacity: 0.13; }
    svg .band-episode { fill: var(--violet); fill-opacity: 0.08; }
    svg .ref { stroke: #d8dee4; stroke-width: 1; }
    svg .ref.top { stroke: #9aa4ae; }
    svg .ref.objective { stroke: var(--muted); stroke-dasharray: 6 4; }
    svg .ref.minimum { stroke: var(--muted); stroke-dasharray: 2 3; }
    svg .day-counted { fill: var(--bad); }
    svg .day-excluded { fill: url(#hatch-excluded); }
    svg .cut { stroke: #fff; stroke-width: 3; fill: none; }
    svg .value.inverse { fill: #fff; font-weight: 600; }
    svg .hit { fill: transparent; }
    svg .hit:hover { fill: rgba(31, 35, 40, 0.05); }
    svg .bar { fill: var(--slate); } svg .bar-bad { fill: var(--bad); }

    ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 20px; margin: 8px 0 0 132px; padding: 0;
      font-size: 12.5px; color: var(--muted); }
    ul.legend .key { display: inline-block; width: 16px; height: 10px; margin-right: 6px; vertical-align: -1px; border-radius: 1px; }
    .key.incident { background: var(--bad); }
    .key.incident-excluded { background: repeating-linear-gradient(45deg, #fff3c4 0 2px, #d4a72c 2px 4px); outline: 0.8px solid var(--amber); }
    .key.fail { background: #e5534b; height: 5px !important; vertical-align: 1px !important; }
    .key.nodata { background: repeating-linear-gradient(45deg, #eceff2 0 2px, #b3bcc5 2px 4px); }
    .key.exclusion { background: #d4a72c; }
    .key.episode { background: var(--violet); opacity: 0.8; }

    footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--faint); font-size: 12px; }
    .defs { position: absolute; width: 0; height: 0; overflow: hidden; }
    @media (max-width: 860px) { .verdict { grid-template-columns: 1fr; } main { padding: 18px; } }
    @media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } section { break-inside: avoid-page; } }

    """
}
