//! The floors of `server/src`, checked from the code's own imports: every module imports only
//! from lower floors, `domain` stays free of the web, database and mail crates, and no files
//! import each other round a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The floors, bottom first. A module imports only from floors below its own; two modules on one
/// floor do not import each other. `main` and `cli` are the binary, importing the library.
const FLOORS: &[&[&str]] = &[
    &["domain", "paths", "telemetry", "shutdown"],
    &["db", "mail"],
    &["services"],
    &["seeding", "settings"],
    &["http", "jobs"],
    &["startup"],
    &["main", "cli"],
];

/// Crates that `domain` never names: it is pure rules.
const NOT_IN_DOMAIN: &[&str] = &["actix_web", "actix", "sea_orm", "tokio", "lettre"];

/// A source file: its module path (`["services", "products"]`) and its text.
type File = (Vec<String>, String);

#[test]
fn server_src_has_its_floors_and_no_import_circle() -> anyhow::Result<()> {
    let files = read_src(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))?;
    assert!(files.len() > 100, "the sources were read: {}", files.len());
    let problems = check(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

#[test]
fn the_check_finds_an_upward_import_a_sideways_one_and_a_circle() {
    let file = |path: &str, text: &str| -> File {
        (
            path.split('/').map(str::to_owned).collect(),
            text.to_owned(),
        )
    };
    let clean = vec![
        file("domain", "pub mod product;"),
        file("domain/product", "pub struct Product;"),
        file("db", "use crate::domain::product::Product;"),
        file("services", "pub mod a;\npub mod b;"),
        file("services/a", "use super::b::Thing;\nuse crate::db;"),
        file("services/b", "pub struct Thing;"),
        file("http", "use crate::services::{a, b::Thing};"),
    ];
    assert_eq!(check(&clean), Vec::<String>::new());

    let mut upward = clean.clone();
    upward.push(file(
        "db/migration",
        "fn up() { crate::services::a::pack(); }",
    ));
    assert_eq!(
        check(&upward),
        ["db/migration imports services (floor 2) from floor 1"]
    );

    let mut sideways = clean.clone();
    sideways.push(file("mail", "use crate::db::entity;"));
    assert_eq!(check(&sideways), ["mail imports db (floor 1) from floor 1"]);

    let mut circle = clean.clone();
    circle[5] = file(
        "services/b",
        "use super::a::{self, Other};\npub struct Thing;",
    );
    assert_eq!(check(&circle), ["import circle: services/a, services/b"]);

    let mut impure = clean.clone();
    impure[1] = file("domain/product", "pub struct Product(sea_orm::Value);");
    assert_eq!(check(&impure), ["domain/product names sea_orm"]);

    let mut unplaced = clean;
    unplaced.push(file("reports", "use crate::domain;"));
    assert_eq!(
        check(&unplaced),
        ["reports is on no floor: add it to FLOORS"]
    );
}

/// Every `.rs` file under `src` with its module path (`mod.rs` is its folder's module; `lib.rs`
/// the root); `tests` modules are left out.
fn read_src(src: &Path) -> anyhow::Result<Vec<File>> {
    let mut files = Vec::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src)?.with_extension("");
            let mut module: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            if module.iter().any(|m| m == "tests") {
                continue;
            }
            files.push((module, std::fs::read_to_string(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// Everything wrong with the files' imports, one line each.
fn check(files: &[File]) -> Vec<String> {
    let modules: BTreeSet<&[String]> = files.iter().map(|(m, _)| m.as_slice()).collect();
    let floor_of = |top: &str| FLOORS.iter().position(|f| f.contains(&top));
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&[String], BTreeSet<&[String]>> = BTreeMap::new();
    for (module, text) in files {
        let Some(top) = module.first() else {
            continue;
        };
        let Some(floor) = floor_of(top) else {
            problems.push(format!("{top} is on no floor: add it to FLOORS"));
            continue;
        };
        let code = without_comments(text);
        if top == "domain" {
            for name in NOT_IN_DOMAIN {
                if names_crate(&code, name) {
                    problems.push(format!("{} names {name}", module.join("/")));
                }
            }
        }
        for path in paths_in(&code) {
            let Some(target) = resolve(&modules, module, &path) else {
                continue;
            };
            // Naming one's own ancestor (`super::Item`) is the child's use of its parent's items.
            if target == module.as_slice() || module.starts_with(target) {
                continue;
            }
            edges.entry(module).or_default().insert(target);
            let Some(other) = target.first().filter(|t| *t != top) else {
                continue;
            };
            match floor_of(other) {
                Some(f) if f < floor => {}
                Some(f) => problems.push(format!(
                    "{} imports {other} (floor {f}) from floor {floor}",
                    module.join("/")
                )),
                None => problems.push(format!("{other} is on no floor: add it to FLOORS")),
            }
        }
    }
    problems.sort();
    problems.dedup();
    for circle in circles(&edges) {
        let names: Vec<String> = circle.iter().map(|m| m.join("/")).collect();
        problems.push(format!("import circle: {}", names.join(", ")));
    }
    problems
}

/// The text without `//` comments (doc comments name paths that are not imports).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether the code names crate `name` (`use name…` or `name::`).
fn names_crate(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = &code[at + name.len()..];
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && (after.starts_with("::") || after.starts_with(';'))
    })
}

/// Every path in the code: from `crate`, `super`, `self`, `supplywatch` (the library, as the
/// binary names it) or a child module, with `use` groups (`a::{b, c::d}`) spelled out.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim_start();
        let tree = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|prefix| statement.strip_prefix(prefix));
        if let Some(tree) = tree {
            let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
            paths.extend(expand(&tree).iter().map(|p| split_path(p)));
        }
    }
    // Paths in the code itself; one not starting at a root names a child module, or nothing.
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("::") {
        let start = code[..at]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |n| n + 1);
        let continues = start > 0 && bytes[start - 1] == b':';
        let first = code[start..].split("::").next().unwrap_or_default();
        // One scan per path: only from its first `::`.
        if continues || start + first.len() != at || first.is_empty() {
            continue;
        }
        let end = code[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(code.len(), |n| at + n);
        let mut path = split_path(&code[start..end]);
        if !matches!(first, "crate" | "super" | "self" | "supplywatch") {
            path.insert(0, "self".to_owned());
        }
        paths.push(path);
    }
    paths
}

fn split_path(path: &str) -> Vec<String> {
    path.split("::")
        .map(|p| p.split(" as ").next().unwrap_or(p).to_owned())
        .filter(|p| !p.is_empty() && p != "*")
        .collect()
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.to_owned()];
    };
    let (prefix, inner) = (
        &tree[..open],
        &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())],
    );
    let (mut parts, mut current, mut depth) = (Vec::new(), String::new(), 0_u32);
    for c in inner.chars() {
        match c {
            ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
            '{' => {
                depth += 1;
                current.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// The file a path leads into (the longest prefix that is a file), if any.
fn resolve<'a>(
    modules: &BTreeSet<&'a [String]>,
    from: &[String],
    path: &[String],
) -> Option<&'a [String]> {
    let mut base: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate" | "supplywatch") => rest = &path[1..],
        Some("super" | "self") => {
            base = from.to_vec();
            while let Some(step) = rest.first() {
                match step.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    (1..=base.len())
        .rev()
        .find_map(|n| modules.get(&base[..n]).copied())
}

/// Groups of two or more files that import each other round a loop (Tarjan's strongly connected
/// components), each sorted.
fn circles<'a>(edges: &BTreeMap<&'a [String], BTreeSet<&'a [String]>>) -> Vec<Vec<&'a [String]>> {
    struct Walk<'e, 'a> {
        edges: &'e BTreeMap<&'a [String], BTreeSet<&'a [String]>>,
        index: BTreeMap<&'a [String], usize>,
        low: BTreeMap<&'a [String], usize>,
        stack: Vec<&'a [String]>,
        found: Vec<Vec<&'a [String]>>,
    }
    impl<'a> Walk<'_, 'a> {
        fn visit(&mut self, v: &'a [String]) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            let next: Vec<&'a [String]> = self
                .edges
                .get(v)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            for w in next {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|m| *m == v).unwrap_or(0);
                let mut group = self.stack.split_off(at);
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}
