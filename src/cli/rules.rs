//! `dockopt rules` and `dockopt rule CODE`: the codes dockopt reports, and
//! what each means and what to do about it.

use dockopt::reasons::Code;

use super::EXIT_ERROR;

/// List every code dockopt reports, with its name and summary.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  dockopt rules\n  dockopt rules --format json\n  dockopt rule DO201"
)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Explain one code: what it means, why dockopt stops, what to do.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  dockopt rule DO201\n  dockopt rule unknown-command")]
pub struct ShowArgs {
    /// The code (DO201) or its name (unknown-command).
    #[arg(value_name = "CODE")]
    code: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    /// A Markdown table (as the README shows it).
    Markdown,
}

/// Runs `dockopt rules`.
pub fn list(args: &ListArgs) -> u8 {
    let text = match args.format {
        Format::Json => {
            let docs: Vec<_> = Code::all().iter().map(|c| c.doc()).collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&docs).unwrap_or_default()
            )
        }
        Format::Text => Code::all()
            .iter()
            .map(|c| {
                let d = c.doc();
                format!("{}  {:<28} {}\n", d.id, d.name, d.summary)
            })
            .collect(),
        Format::Markdown => dockopt::report::codes_table(),
    };
    super::print_all(text.as_bytes())
}

/// Runs `dockopt rule CODE`.
pub fn show(args: &ShowArgs) -> u8 {
    let Some(code) = Code::parse(&args.code) else {
        eprintln!("error: no code {}; `dockopt rules` lists them", args.code);
        return EXIT_ERROR;
    };
    let d = code.doc();
    let text = match args.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(d).unwrap_or_default()),
        Format::Text | Format::Markdown => render(d),
    };
    super::print_all(text.as_bytes())
}

/// One code's documentation as text.
pub fn render(d: &dockopt::reasons::Doc) -> String {
    let example: String = d.example.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "{} ({})\n\n{}\n\nWhy dockopt stops: {}\n\nWhat you can do: {}\n\nExample:\n{example}",
        d.id, d.name, d.summary, d.why, d.fix
    )
}
