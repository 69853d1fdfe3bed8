//! The inputs of a record's custom fields, named `input[custom][<key>]` for a server
//! function taking an input with `custom: BTreeMap<String, String>`.

use super::{field_error, Select, TextInput};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::sales::custom_field::{CustomField, CustomFieldKind};
use models::AppError;
use std::collections::BTreeMap;

#[component]
pub fn CustomFieldInputs<S>(
    action: ServerAction<S>,
    fields: Vec<CustomField>,
    values: BTreeMap<String, String>,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    fields
        .into_iter()
        .map(|f| {
            let current = values.get(&f.key).cloned().unwrap_or_default();
            let name = format!("input[custom][{}]", f.key);
            let error = field_error(action, f.field_name());
            match f.kind {
                CustomFieldKind::Select => {
                    let mut opts = vec![(String::new(), "—".to_string())];
                    opts.extend(f.options.iter().map(|o| (o.clone(), o.clone())));
                    view! { <Select label=f.label.clone() name=name options=opts selected=current error=error/> }.into_any()
                }
                CustomFieldKind::Boolean => {
                    let opts = vec![(String::new(), "—".to_string()), ("yes".into(), "Yes".into()), ("no".into(), "No".into())];
                    view! { <Select label=f.label.clone() name=name options=opts selected=current error=error/> }.into_any()
                }
                kind => {
                    let (input_kind, hint) = match kind {
                        CustomFieldKind::Date => ("date", None),
                        CustomFieldKind::Url => ("url", None),
                        CustomFieldKind::MultiSelect => ("text", Some(format!("Comma-separated: {}", f.options.join(", ")))),
                        _ => ("text", None),
                    };
                    view! { <TextInput label=f.label.clone() name=name kind=input_kind value=current error=error hint=hint/> }.into_any()
                }
            }
        })
        .collect_view()
}
