//! What a model costs, for the run ledger and the monthly budget: US dollars per million
//! tokens in and out, matched by the longest prefix of the model's name (dated snapshots
//! share their family's price). A model not listed (a local one) costs nothing.

/// (model prefix, USD per 1M input tokens, USD per 1M output tokens).
const PRICES: &[(&str, f64, f64)] = &[
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1", 2.00, 8.00),
    ("gpt-5-nano", 0.05, 0.40),
    ("gpt-5-mini", 0.25, 2.00),
    ("gpt-5", 1.25, 10.00),
    ("o4-mini", 1.10, 4.40),
    ("claude-3-5-haiku", 0.80, 4.00),
    ("claude-haiku-4-5", 1.00, 5.00),
    ("claude-sonnet-4", 3.00, 15.00),
    ("claude-3-7-sonnet", 3.00, 15.00),
    ("claude-opus-4", 15.00, 75.00),
];

/// The price of a model, if listed: (input, output) in micro-dollars per token.
pub fn price_of(model: &str) -> Option<(f64, f64)> {
    let model = model.to_ascii_lowercase();
    let model = model.rsplit('/').next().unwrap_or_default();
    PRICES
        .iter()
        .filter(|(prefix, _, _)| model.starts_with(prefix))
        .max_by_key(|(prefix, _, _)| prefix.len())
        .map(|(_, i, o)| (*i, *o))
}

/// The cost of a call in micro-dollars (millionths of a US dollar), rounded up.
pub fn cost_micros(model: &str, tokens_in: u32, tokens_out: u32) -> i64 {
    price_of(model).map_or(0, |(i, o)| {
        (f64::from(tokens_in) * i + f64::from(tokens_out) * o).ceil() as i64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_unknown_models_are_free() {
        // 1,000 in at $0.15/M and 500 out at $0.60/M = 150 + 300 micro-dollars.
        assert_eq!(cost_micros("gpt-4o-mini-2024-07-18", 1000, 500), 450);
        // 1,000 in at $2.50/M + 500 out at $10/M.
        assert_eq!(cost_micros("gpt-4o", 1000, 500), 7500);
        assert_eq!(cost_micros("openai/GPT-4o", 1000, 500), 7500);
        assert_eq!(cost_micros("SmolLM2-135M-Instruct", 1000, 500), 0);
    }
}
