//! The browser's addresses, named once: the route table registers these patterns, and every link
//! a page, a mail or a dashboard entry carries is built from the same pattern (services use them
//! without knowing of `http`). The API's paths live with its handlers and the `OpenAPI` document.

use std::borrow::Borrow;
use std::fmt::Display;

/// The login form.
pub const LOGIN: &str = "/login";
/// The product search.
pub const PRODUCTS: &str = "/products";
/// One product.
pub const PRODUCT: &str = "/products/{code}";
/// The maker's own products with their status.
pub const MY_PRODUCTS: &str = "/my/products";
/// The organisation's contacts.
pub const MY_CONTACTS: &str = "/my/contacts";
/// A maker names its 特定医薬品供給体制管理責任者 (posted from the contacts page).
pub const MY_SUPPLY_MANAGER: &str = "/my/supply-manager";
/// The requests sent to a substitute maker.
pub const MY_SUBSTITUTE_REQUESTS: &str = "/my/substitute-requests";
/// One request, with the answer form.
pub const MY_SUBSTITUTE_REQUEST: &str = "/my/substitute-requests/{id}";
/// The case list.
pub const CASES: &str = "/cases";
/// One case.
pub const CASE: &str = "/cases/{id}";
/// The allocation plans.
pub const ALLOCATION_PLANS: &str = "/allocation-plans";
/// One allocation plan.
pub const ALLOCATION_PLAN: &str = "/allocation-plans/{id}";
/// The ministry's early warning list.
pub const EARLY_WARNING: &str = "/early-warning";
/// The ministry's dashboard.
pub const DASHBOARD: &str = "/dashboard";
/// The administrator's users (its home).
pub const ADMIN_USERS: &str = "/admin/users";
/// The administrator's outbox.
pub const ADMIN_OUTBOX: &str = "/admin/outbox";
/// An invitation's page, where the invited person sets a password (the secret from the mail).
pub const INVITATION: &str = "/invitations/{secret}";

/// A drug's public page.
pub const PUBLIC_PRODUCT: &str = "/public/products/{code}";
/// A drug's Atom feed.
pub const PUBLIC_PRODUCT_FEED: &str = "/public/products/{code}/feed.atom";
/// The newest changes of every drug, as Atom.
pub const PUBLIC_CHANGES_FEED: &str = "/public/changes.atom";
/// The confirmation link of a subscription (`?t=` its token).
pub const SUBSCRIPTION_CONFIRM: &str = "/public/subscriptions/confirm";
/// The unsubscribe link (`?t=` one or more tokens joined by `.`); POST unsubscribes at once.
pub const SUBSCRIPTION_UNSUBSCRIBE: &str = "/public/subscriptions/unsubscribe";

/// A drug's public page.
pub fn public_product(code: &str) -> String {
    fill(PUBLIC_PRODUCT, &[&code])
}

/// A drug's Atom feed.
pub fn public_product_feed(code: &str) -> String {
    fill(PUBLIC_PRODUCT_FEED, &[&code])
}

/// The confirmation link of the subscription with `token`.
pub fn subscription_confirm(token: &str) -> String {
    format!("{SUBSCRIPTION_CONFIRM}?t={token}")
}

/// The unsubscribe link of the subscriptions with `tokens`.
pub fn subscription_unsubscribe(tokens: &[&str]) -> String {
    format!("{SUBSCRIPTION_UNSUBSCRIBE}?t={}", tokens.join("."))
}

/// The invitation page of `secret`.
pub fn invitation(secret: &str) -> String {
    fill(INVITATION, &[&secret])
}

/// One product's page.
pub fn product(code: &str) -> String {
    fill(PRODUCT, &[&code])
}

/// One request's page (where a substitute maker answers).
pub fn substitute_request(id: impl Borrow<i32>) -> String {
    fill(MY_SUBSTITUTE_REQUEST, &[id.borrow()])
}

/// One case's page.
pub fn case(id: impl Borrow<i32>) -> String {
    fill(CASE, &[id.borrow()])
}

/// One allocation plan's page.
pub fn allocation_plan(id: impl Borrow<i32>) -> String {
    fill(ALLOCATION_PLAN, &[id.borrow()])
}

// Ids are taken as `impl Borrow<i32>`: templates pass their values by reference.

/// `pattern` with each `{name}` replaced by the next value, in order.
fn fill(pattern: &str, values: &[&dyn Display]) -> String {
    let mut path = String::with_capacity(pattern.len() + 8);
    let mut values = values.iter();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |n| open + n + 1);
        match values.next() {
            Some(value) => path.push_str(&value.to_string()),
            None => path.push_str(&rest[open..close]),
        }
        rest = &rest[close..];
    }
    path.push_str(rest);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_fill_the_patterns_the_route_table_registers() {
        assert_eq!(case(42), "/cases/42");
        let as_a_template_passes_it: &i32 = &42;
        assert_eq!(case(as_a_template_passes_it), "/cases/42");
        assert_eq!(substitute_request(7), "/my/substitute-requests/7");
        assert_eq!(allocation_plan(3), "/allocation-plans/3");
        assert_eq!(product("2171022F5180"), "/products/2171022F5180");
        assert_eq!(invitation("abc"), "/invitations/abc");
        assert_eq!(fill("/a/{x}/b/{y}", &[&1, &"z"]), "/a/1/b/z");
        assert_eq!(
            fill("/a/{x}", &[]),
            "/a/{x}",
            "a missing value leaves the name"
        );
    }
}
