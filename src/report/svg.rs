//! The report's charts, drawn as inline SVG from figures: bars (stacked, one per label),
//! columns over time (stacked, with a mark on the ones a note singles out: held
//! snapshots) and a heatmap of shares. Pure: figures in, markup out. maud escapes every
//! label, and each element is closed, so a chart is well-formed XML as well as HTML.

use maud::{Markup, html};

use super::format::{percent, thousands};

/// One series of a stacked chart: its name in the legend and the CSS class that colours it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Series {
    pub(crate) name: &'static str,
    pub(crate) class: &'static str,
}

impl Series {
    pub(crate) const fn new(name: &'static str, class: &'static str) -> Series {
        Series { name, class }
    }
}

/// A bar or a column: its label and one value per series.
#[derive(Clone, Debug)]
pub(crate) struct Stack {
    pub(crate) label: String,
    pub(crate) values: Vec<u64>,
    /// Singles the column out, with why (a held snapshot: its guard's finding).
    pub(crate) mark: Option<String>,
}

impl Stack {
    pub(crate) fn new(label: impl Into<String>, values: Vec<u64>) -> Stack {
        Stack {
            label: label.into(),
            values,
            mark: None,
        }
    }

    fn total(&self) -> u64 {
        self.values.iter().fold(0, |sum, v| sum.saturating_add(*v))
    }
}

/// A cell of a heatmap: a part of a whole (filled values of a column's leads), and whether
/// it carries a warning (doubtful values), said in its tooltip.
#[derive(Clone, Debug)]
pub(crate) struct HeatCell {
    pub(crate) part: u64,
    pub(crate) whole: u64,
    pub(crate) warning: Option<String>,
}

/// The longest label drawn in full; a longer one is cut, and whole in its tooltip.
const LABEL_CHARS: usize = 28;
const ROW: f64 = 22.0;
const LEGEND: f64 = 24.0;

/// Horizontal bars, one per stack, its segments in the series' order, scaled to the
/// largest total; each bar ends with its total.
pub(crate) fn bars(series: &[Series], stacks: &[Stack]) -> Markup {
    let (label_width, length, value_width) = (200.0, 420.0, 100.0);
    let width = label_width + length + value_width;
    let height = LEGEND + ROW * stacks.len() as f64 + 4.0;
    let largest = stacks.iter().map(Stack::total).max().unwrap_or(0);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"
            width=(px(width)) height=(px(height)) viewBox={"0 0 " (px(width)) " " (px(height))} {
            (legend(series, label_width))
            @for (i, stack) in stacks.iter().enumerate() {
                @let y = LEGEND + ROW * i as f64;
                g {
                    text x=(px(label_width - 6.0)) y=(px(y + 15.0)) text-anchor="end" {
                        title { (stack.label) }
                        (cut(&stack.label))
                    }
                    @for (x, w, value, s) in segments(stack, series, largest, length) {
                        rect class=(s.class) x=(px(label_width + x)) y=(px(y + 3.0))
                            width=(px(w)) height=(px(ROW - 6.0)) {
                            title { (stack.label) " — " (s.name) ": " (thousands(value)) }
                        }
                    }
                    text x=(px(label_width + scaled(stack.total(), largest, length) + 6.0))
                        y=(px(y + 15.0)) { (thousands(stack.total())) }
                }
            }
        }
    }
}

/// Columns along a time axis, one per stack (a snapshot), stacked in the series' order; a
/// marked column gets a dashed frame and a `!` above it, its note in the tooltip. The axis
/// ends at the largest total, unless one column dwarfs the others (a source's first load
/// beside its weekly changes): then it ends a little above the next largest, and a taller
/// column is cut at the top, with a break and its total written on it.
pub(crate) fn columns(series: &[Series], stacks: &[Stack]) -> Markup {
    let (left, plot, bottom) = (80.0, 160.0, 78.0);
    let band = (640.0 / stacks.len().max(1) as f64).clamp(8.0, 40.0);
    let width = left + band * stacks.len() as f64 + 20.0;
    let width = width.max(left + 480.0);
    let top = LEGEND + 14.0;
    let height = top + plot + bottom;
    let largest = axis_end(stacks.iter().map(Stack::total).collect());
    let base = top + plot;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"
            width=(px(width)) height=(px(height)) viewBox={"0 0 " (px(width)) " " (px(height))} {
            (legend(series, left))
            line class="axis" x1=(px(left)) y1=(px(top)) x2=(px(width - 10.0)) y2=(px(top)) {}
            line class="axis" x1=(px(left)) y1=(px(base)) x2=(px(width - 10.0)) y2=(px(base)) {}
            text x=(px(left - 6.0)) y=(px(top + 4.0)) text-anchor="end" { (thousands(largest)) }
            text x=(px(left - 6.0)) y=(px(base + 4.0)) text-anchor="end" { "0" }
            @for (i, stack) in stacks.iter().enumerate() {
                @let x = left + band * i as f64 + band * 0.15;
                @let w = band * 0.7;
                g {
                    @for (y, h, value, s) in segments(stack, series, largest, plot) {
                        rect class=(s.class) x=(px(x)) y=(px(base - y - h)) width=(px(w)) height=(px(h)) {
                            title { (stack.label) " — " (s.name) ": " (thousands(value)) }
                        }
                    }
                    @if stack.total() > largest {
                        path class="break" d={"M" (px(x - 1.0)) " " (px(top + 8.0)) " l" (px(w / 2.0 + 1.0))
                            " -4 l" (px(w / 2.0 + 1.0)) " 4"} {}
                        text class="cut" x=(px(x + w / 2.0)) y=(px(top - 3.0)) text-anchor="middle" {
                            (thousands(stack.total()))
                        }
                    }
                    @if let Some(note) = &stack.mark {
                        rect class="mark" x=(px(x)) y=(px(top)) width=(px(w)) height=(px(plot)) {
                            title { (stack.label) ": " (note) }
                        }
                        text class="mark" x=(px(x + w / 2.0)) y=(px(top - 3.0)) text-anchor="middle" { "!" }
                    }
                    @let (lx, ly) = (x + w / 2.0, base + 12.0);
                    text x=(px(lx)) y=(px(ly)) text-anchor="end"
                        transform={"rotate(-45 " (px(lx)) " " (px(ly)) ")"} { (cut(&stack.label)) }
                }
            }
        }
    }
}

/// A heatmap: a row per `rows` label, a column per `columns` label, each cell shaded by its
/// share and labelled with it in percent; a cell with a warning gets a corner mark. A
/// missing cell (`None`) is left blank.
pub(crate) fn heatmap(
    rows: &[String],
    columns: &[String],
    cell: impl Fn(usize, usize) -> Option<HeatCell>,
) -> Markup {
    let (label_width, cell_width, cell_height, top) = (190.0, 72.0, 18.0, 34.0);
    let width = label_width + cell_width * columns.len() as f64 + 4.0;
    let height = top + cell_height * rows.len() as f64 + 4.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap" role="img"
            width=(px(width)) height=(px(height)) viewBox={"0 0 " (px(width)) " " (px(height))} {
            @for (c, name) in columns.iter().enumerate() {
                text x=(px(label_width + cell_width * (c as f64 + 0.5))) y=(px(top - 8.0))
                    text-anchor="middle" {
                    title { (name) }
                    (cut_to(name, 10))
                }
            }
            @for (r, name) in rows.iter().enumerate() {
                @let y = top + cell_height * r as f64;
                text x=(px(label_width - 6.0)) y=(px(y + 13.0)) text-anchor="end" { (cut(name)) }
                @for c in 0..columns.len() {
                    @if let Some(heat) = cell(r, c) {
                        @let x = label_width + cell_width * c as f64;
                        @let share = share(heat.part, heat.whole);
                        g class="cell" data-row=(name) data-column=(columns[c])
                            data-part=(heat.part) data-whole=(heat.whole) {
                            title {
                                (name) " in " (columns[c]) ": " (thousands(heat.part)) " of "
                                (thousands(heat.whole)) " filled"
                                @if let Some(warning) = &heat.warning { "; " (warning) }
                            }
                            rect x=(px(x + 1.0)) y=(px(y + 1.0)) width=(px(cell_width - 2.0))
                                height=(px(cell_height - 2.0)) fill=(shade(share)) {}
                            @if heat.warning.is_some() {
                                path class="warning" d={"M" (px(x + cell_width - 11.0)) " " (px(y + 1.0))
                                    " h10 v10 z"} {}
                            }
                            text x=(px(x + cell_width / 2.0)) y=(px(y + 13.0)) text-anchor="middle"
                                class=(if share > 0.55 { "on-dark" } else { "on-light" }) {
                                (percent(heat.part, heat.whole))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where a column chart's axis ends: at the largest total, or, when that is more than five
/// times the next largest, a quarter above the next largest.
fn axis_end(mut totals: Vec<u64>) -> u64 {
    totals.sort_unstable_by(|a, b| b.cmp(a));
    match totals[..] {
        [largest, next, ..] if next > 0 && largest / 5 > next => {
            next.saturating_add(next / 4).max(1)
        }
        [largest, ..] => largest,
        [] => 0,
    }
}

/// The legend: a swatch and a name per series, in a row from `x`.
fn legend(series: &[Series], x: f64) -> Markup {
    html! {
        g class="legend" {
            @for (i, s) in series.iter().enumerate() {
                @let at = x + 110.0 * i as f64;
                rect class=(s.class) x=(px(at)) y="6" width="12" height="12" {}
                text x=(px(at + 16.0)) y="16" { (s.name) }
            }
        }
    }
}

/// A stack's non-empty segments along its axis: their offset, length, value and series.
fn segments<'s>(
    stack: &Stack,
    series: &'s [Series],
    largest: u64,
    length: f64,
) -> Vec<(f64, f64, u64, &'s Series)> {
    let mut at = 0.0;
    let mut sum = 0u64;
    let mut out = Vec::new();
    for (value, s) in stack.values.iter().zip(series) {
        if *value == 0 {
            continue;
        }
        // Cumulative, so that rounding never lets a stack outgrow its total.
        sum = sum.saturating_add(*value);
        let end = scaled(sum, largest, length);
        if end > at {
            out.push((at, end - at, *value, s));
        }
        at = end;
    }
    out
}

/// `value` of an axis of `length` whose end stands for `largest`.
fn scaled(value: u64, largest: u64, length: f64) -> f64 {
    if largest == 0 {
        0.0
    } else {
        (value as f64 / largest as f64 * length).clamp(0.0, length)
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64).clamp(0.0, 1.0)
    }
}

/// A blue from pale (none) to deep (all).
fn shade(share: f64) -> String {
    format!("hsl(212, 62%, {:.0}%)", 96.0 - 58.0 * share)
}

fn cut(label: &str) -> String {
    cut_to(label, LABEL_CHARS)
}

fn cut_to(label: &str, chars: usize) -> String {
    match label.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &label[..end]),
        None => label.to_string(),
    }
}

/// A coordinate, to a tenth of a pixel.
fn px(x: f64) -> String {
    let text = format!("{x:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: [Series; 2] = [Series::new("active", "s0"), Series::new("inactive", "s1")];

    /// Parses the SVG as XML, failing on any malformed, unbalanced or unclosed element;
    /// returns its elements' names and every text, attribute values included, unescaped.
    fn parse(svg: &str) -> (Vec<String>, Vec<String>) {
        let document = roxmltree::Document::parse(svg).expect("well-formed XML");
        let (mut names, mut texts) = (Vec::new(), Vec::new());
        for node in document.descendants() {
            if node.is_element() {
                names.push(node.tag_name().name().to_string());
                texts.extend(node.attributes().map(|a| a.value().to_string()));
            } else if let Some(text) = node.text() {
                texts.push(text.to_string());
            }
        }
        (names, texts)
    }

    fn numbers(svg: &str, attribute: &str) -> Vec<f64> {
        let pattern = format!(" {attribute}=\"");
        svg.split(&pattern)
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
            .collect()
    }

    #[test]
    fn bars_are_well_formed_and_scaled_to_the_largest_total() {
        let svg = bars(
            &TWO,
            &[
                Stack::new("nevada", vec![300, 100]),
                Stack::new("texas", vec![200, 0]),
            ],
        )
        .into_string();
        let (names, texts) = parse(&svg);
        assert_eq!(names[0], "svg");
        // Two legend swatches, then nevada's two segments and texas's one.
        assert_eq!(names.iter().filter(|n| *n == "rect").count(), 5);
        assert_eq!(
            numbers(&svg, "width")[1..],
            [12.0, 12.0, 315.0, 105.0, 210.0]
        );
        assert!(texts.contains(&"nevada — active: 300".to_string()));
        assert!(texts.contains(&"400".to_string()));
    }

    #[test]
    fn labels_are_escaped() {
        let label = "<script>alert(\"x\")</script> & co";
        let svg = bars(&TWO, &[Stack::new(label, vec![1, 1])]).into_string();
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"));
        let (_, texts) = parse(&svg);
        assert!(texts.iter().any(|t| t == label));

        let heat = heatmap(&[label.to_string()], &[label.to_string()], |_, _| {
            Some(HeatCell {
                part: 1,
                whole: 2,
                warning: Some("<b>".into()),
            })
        })
        .into_string();
        assert!(!heat.contains("<script>") && !heat.contains("<b>"));
        let (_, texts) = parse(&heat);
        assert!(texts.iter().any(|t| t.ends_with("; <b>")));
    }

    #[test]
    fn zero_values_draw_nothing_and_divide_by_nothing() {
        let empty = bars(&TWO, &[Stack::new("none", vec![0, 0])]).into_string();
        parse(&empty);
        assert!(!empty.contains("NaN") && !empty.contains("inf"));
        // The legend's swatches only.
        assert_eq!(empty.matches("<rect").count(), 2);
        assert!(empty.contains(">0</text>"));

        let none = columns(&TWO, &[]).into_string();
        parse(&none);
        assert!(!none.contains("NaN"));

        let heat = heatmap(&["phone".into()], &["nevada".into()], |_, _| {
            Some(HeatCell {
                part: 0,
                whole: 0,
                warning: None,
            })
        })
        .into_string();
        parse(&heat);
        assert!(heat.contains(">0%</text>"));
        assert!(heat.contains("fill=\"hsl(212, 62%, 96%)\""));
    }

    #[test]
    fn huge_values_stay_inside_the_chart() {
        let huge = u64::MAX;
        let svg = columns(
            &TWO,
            &[
                Stack::new("2023-07-07", vec![huge, huge]),
                Stack::new("2023-07-14", vec![1, 0]),
            ],
        )
        .into_string();
        parse(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // The saturated total is the scale: the first column's two segments fill the plot.
        let heights = numbers(&svg, "height");
        assert!(heights.iter().all(|h| h.is_finite() && *h <= 320.0));
        assert!(svg.contains(&thousands(huge)));
        let bars = bars(&TWO, &[Stack::new("all", vec![huge, 0])]).into_string();
        assert!(numbers(&bars, "width").iter().all(|w| *w <= 720.0));
    }

    #[test]
    fn a_column_that_dwarfs_the_others_is_cut_with_its_total_on_it() {
        let first_load = Stack::new("2023-07-07", vec![1_000_000, 0]);
        let weeks = [
            Stack::new("2023-07-14", vec![12, 8]),
            Stack::new("2023-07-21", vec![6, 0]),
        ];
        let svg = columns(&TWO, &[&[first_load][..], &weeks].concat()).into_string();
        parse(&svg);
        // The axis ends at 25, a quarter above the next largest (20): that column is 128 of
        // the plot's 160 pixels, its segments 76.8 and 51.2; the first is cut at 160.
        assert!(svg.contains(">25</text>"));
        let heights = numbers(&svg, "height");
        assert_eq!(heights[3..], [160.0, 76.8, 51.2, 38.4]);
        assert_eq!(svg.matches("class=\"break\"").count(), 1);
        assert!(
            svg.contains(
                "class=\"cut\" x=\"100\" y=\"35\" text-anchor=\"middle\">1,000,000</text>"
            )
        );

        // Totals of one order of size share one axis, uncut.
        let even = columns(
            &TWO,
            &[Stack::new("a", vec![100, 0]), Stack::new("b", vec![30, 0])],
        );
        assert!(!even.into_string().contains("class=\"break\""));
    }

    #[test]
    fn a_marked_column_says_why() {
        let mut held = Stack::new("2023-07-21", vec![0, 0]);
        held.mark = Some("held by guards: 40% of the leads would be deactivated".into());
        let svg = columns(&TWO, &[Stack::new("2023-07-14", vec![5, 1]), held]).into_string();
        let (_, texts) = parse(&svg);
        assert!(texts.contains(
            &"2023-07-21: held by guards: 40% of the leads would be deactivated".to_string()
        ));
        assert_eq!(svg.matches("class=\"mark\"").count(), 2);
    }

    #[test]
    fn a_heatmap_cell_carries_its_figures_and_shade() {
        let svg = heatmap(
            &["phone".into(), "email".into()],
            &["nevada".into(), "texas".into()],
            |r, c| {
                (r, c).ne(&(1, 1)).then_some(HeatCell {
                    part: 3 * r as u64 + c as u64,
                    whole: 5,
                    warning: (r == 1).then(|| "1 doubtful".to_string()),
                })
            },
        )
        .into_string();
        parse(&svg);
        assert_eq!(svg.matches("class=\"cell\"").count(), 3);
        assert!(svg.contains(
            "data-row=\"email\" data-column=\"nevada\" data-part=\"3\" data-whole=\"5\""
        ));
        assert!(svg.contains(">60%</text>") && svg.contains(">20%</text>"));
        assert_eq!(svg.matches("class=\"warning\"").count(), 1);
        assert!(svg.contains("fill=\"hsl(212, 62%, 61%)\""));
    }
}
