//! Spec inheritance: `extends = "nevada"` and only what differs.
//!
//! A child's TOML is laid over its parent's before either is checked: its tables (`files`,
//! `format`, `aliases`, `guards`) are merged key by key into the parent's, its other keys
//! replace the parent's, its `[[map]]` rules replace the parent's rules that write the same
//! lead columns and are added otherwise, and its `[[checks]]` are added. `remove_columns`
//! takes columns out of the inherited `header`, for a file that no longer has them.

use toml::{Table, Value};

/// The keys of a child spec that say how it inherits; never part of the spec itself.
const EXTENDS: &str = "extends";
const REMOVE_COLUMNS: &str = "remove_columns";

/// How deep a chain of specs extending specs may go: a loop is found long before.
const MAX_DEPTH: usize = 8;

/// The id of the spec `spec` extends, if it does.
pub(crate) fn parent_id(spec: &Table) -> Result<Option<&str>, String> {
    match spec.get(EXTENDS) {
        None => Ok(None),
        Some(Value::String(id)) => Ok(Some(id)),
        Some(other) => Err(format!(
            "`extends = {other}`: give the id of the spec it extends, as a string"
        )),
    }
}

/// `spec` with everything it inherits, its parents found by id with `find` (which must
/// not return the spec itself). A spec that extends none is returned as it is.
pub(crate) fn resolve<'a>(
    spec: &'a Table,
    find: &dyn Fn(&str, &'a Table) -> Option<&'a Table>,
) -> Result<Table, String> {
    resolve_at(spec, find, 0)
}

fn resolve_at<'a>(
    spec: &'a Table,
    find: &dyn Fn(&str, &'a Table) -> Option<&'a Table>,
    depth: usize,
) -> Result<Table, String> {
    let Some(id) = parent_id(spec)? else {
        if spec.contains_key(REMOVE_COLUMNS) {
            return Err(format!(
                "`{REMOVE_COLUMNS}` takes columns out of an inherited header: give `extends`"
            ));
        }
        return Ok(spec.clone());
    };
    if depth == MAX_DEPTH {
        return Err(format!(
            "`extends` goes more than {MAX_DEPTH} specs deep: do specs extend each other?"
        ));
    }
    let parent =
        find(id, spec).ok_or_else(|| format!("`extends = \"{id}\"`: no spec has that id"))?;
    let parent =
        resolve_at(parent, find, depth + 1).map_err(|e| format!("`extends = \"{id}\"`: {e}"))?;
    lay_over(parent, spec)
}

/// The parent's table with the child's laid over it.
fn lay_over(mut merged: Table, child: &Table) -> Result<Table, String> {
    for (key, value) in child {
        match (key.as_str(), value) {
            (EXTENDS, _) => {}
            (REMOVE_COLUMNS, removed) => remove_columns(&mut merged, removed)?,
            ("map", Value::Array(rules)) => replace_rules(&mut merged, rules),
            ("checks", Value::Array(checks)) => match merged.get_mut("checks") {
                Some(Value::Array(inherited)) => inherited.extend(checks.iter().cloned()),
                _ => {
                    merged.insert(key.clone(), value.clone());
                }
            },
            (_, Value::Table(table)) => match merged.get_mut(key) {
                Some(Value::Table(inherited)) => {
                    for (inner, value) in table {
                        inherited.insert(inner.clone(), value.clone());
                    }
                }
                _ => {
                    merged.insert(key.clone(), value.clone());
                }
            },
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(merged)
}

/// Takes the named columns out of `header`, and their aliases with them.
fn remove_columns(merged: &mut Table, removed: &Value) -> Result<(), String> {
    let names: Vec<&str> = match removed {
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let malformed = !matches!(removed, Value::Array(all) if all.len() == names.len());
    if malformed {
        return Err(format!(
            "`{REMOVE_COLUMNS}`: give a list of header columns, such as `[\"Fax\"]`"
        ));
    }
    let Some(Value::Array(header)) = merged.get_mut("header") else {
        return Err(format!(
            "`{REMOVE_COLUMNS}`: the inherited spec has no `header`"
        ));
    };
    for name in &names {
        let before = header.len();
        header.retain(|column| column.as_str() != Some(name));
        if header.len() == before {
            return Err(format!(
                "`{REMOVE_COLUMNS}`: `{name}` is not a column of the inherited header"
            ));
        }
    }
    if let Some(Value::Table(aliases)) = merged.get_mut("aliases") {
        aliases.retain(|column, _| !names.contains(&column));
    }
    Ok(())
}

/// Adds the child's rules; a parent's rule that writes a lead column a child's rule writes
/// is replaced by it.
fn replace_rules(merged: &mut Table, rules: &[Value]) {
    let written: Vec<String> = rules.iter().flat_map(writes).collect();
    let mut kept = match merged.remove("map") {
        Some(Value::Array(inherited)) => inherited,
        _ => Vec::new(),
    };
    kept.retain(|rule| writes(rule).iter().all(|column| !written.contains(column)));
    kept.extend(rules.iter().cloned());
    merged.insert("map".into(), Value::Array(kept));
}

/// The lead columns a rule writes: its `to`, or the keys of its `into`.
fn writes(rule: &Value) -> Vec<String> {
    let to = rule.get("to").and_then(Value::as_str).map(String::from);
    let into = rule
        .get("into")
        .and_then(Value::as_table)
        .into_iter()
        .flat_map(|into| into.keys().cloned());
    to.into_iter().chain(into).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().unwrap()
    }

    fn resolved(child: &str, parent: &str) -> Result<Table, String> {
        let (child, parent) = (table(child), table(parent));
        resolve(&child, &|id, _| (id == "p").then_some(&parent))
    }

    const PARENT: &str = r#"
        id = "p"
        header = ["A", "", "Phone#"]
        [files]
        names = ["*P*"]
        date = { pattern = 'x', format = "%Y" }
        [aliases]
        "" = ["Blank"]
        [[map]]
        from = "A"
        to = "license_number"
        [[map]]
        from = "Phone#"
        with = "phone"
        into = { phone = "value", phone_extension = "extension" }
        [[checks]]
        name = "one"
    "#;

    #[test]
    fn a_child_changes_only_what_it_gives() {
        let child = r#"
            extends = "p"
            id = "c"
            remove_columns = [""]
            [files]
            names = ["*P 2024*"]
            [aliases]
            "Phone#" = ["Phone"]
            [[map]]
            from = "Phone#"
            with = "phone"
            into = { phone = "value" }
            [[checks]]
            name = "two"
        "#;
        let expected = table(
            r#"
            id = "c"
            header = ["A", "Phone#"]
            [files]
            names = ["*P 2024*"]
            date = { pattern = 'x', format = "%Y" }
            [aliases]
            "Phone#" = ["Phone"]
            [[map]]
            from = "A"
            to = "license_number"
            [[map]]
            from = "Phone#"
            with = "phone"
            into = { phone = "value" }
            [[checks]]
            name = "one"
            [[checks]]
            name = "two"
        "#,
        );
        assert_eq!(resolved(child, PARENT).unwrap(), expected);
    }

    #[test]
    fn what_cannot_be_inherited_is_named() {
        let cases = [
            ("extends = \"q\"", "`extends = \"q\"`: no spec has that id"),
            ("extends = 1", "give the id of the spec it extends"),
            ("remove_columns = [\"A\"]", "give `extends`"),
            (
                "extends = \"p\"\nremove_columns = [\"B\"]",
                "`B` is not a column of the inherited header",
            ),
            (
                "extends = \"p\"\nremove_columns = \"A\"",
                "give a list of header columns",
            ),
        ];
        for (child, expected) in cases {
            let message = resolved(child, PARENT).unwrap_err();
            assert!(message.contains(expected), "{child}: {message}");
        }
        let looping = table("id = \"p\"\nextends = \"p\"");
        let message = resolve(&looping, &|_, _| Some(&looping)).unwrap_err();
        assert!(message.contains("more than 8 specs deep"), "{message}");
    }
}
