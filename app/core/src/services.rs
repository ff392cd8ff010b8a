//! What the areas' server functions need from server-only code, found by
//! type. An area declares a trait (`counter::CounterStore`); a crate under
//! `services/` implements it; the server binary provides it here; a server
//! function asks for it with `state::service`. The app never depends on
//! those crates, so their code stays out of the WASM by construction, and
//! an edit to them rebuilds the server alone.

use std::any::{type_name, Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// The server-only services, one per trait. Cloned with the app state for
/// every request, so a clone shares the map.
#[derive(Clone, Default)]
pub struct Services {
    by_type: Arc<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Services {
    /// No services yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Provides `service` as the app's `T` (a trait an area declares),
    /// replacing any provided before.
    pub fn provide<T: ?Sized + Send + Sync + 'static>(mut self, service: Arc<T>) -> Self {
        Arc::make_mut(&mut self.by_type).insert(TypeId::of::<T>(), Arc::new(service));
        self
    }

    /// The `T` provided, or an internal error (logged with `T`'s name): a
    /// wiring bug, which the server's start-up reports first
    /// ([`Services::missing`]).
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<T>, ferry::Error> {
        self.by_type
            .get(&TypeId::of::<T>())
            .and_then(|service| service.downcast_ref::<Arc<T>>())
            .cloned()
            .ok_or_else(|| ferry::Error::internal(format!("no {} was provided", type_name::<T>())))
    }

    /// The names of the `required` services not provided.
    pub fn missing(&self, required: &[Required]) -> Vec<&'static str> {
        required
            .iter()
            .filter(|r| !self.by_type.contains_key(&(r.id)()))
            .map(|r| r.name)
            .collect()
    }

    /// These services if they provide every one `required`, else an error
    /// naming each missing one, for the server to stop on at start-up.
    pub fn checked(self, required: &[Required]) -> Result<Self, String> {
        match self.missing(required)[..] {
            [] => Ok(self),
            ref missing => Err(format!(
                "no {} was provided: provide it in server/src/services.rs",
                missing.join(", no ")
            )),
        }
    }
}

/// A service the app needs: see [`required`].
#[derive(Clone, Copy)]
pub struct Required {
    name: &'static str,
    id: fn() -> TypeId,
}

/// The service `T`, which the app needs provided.
pub fn required<T: ?Sized + 'static>() -> Required {
    Required {
        name: type_name::<T>(),
        id: TypeId::of::<T>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn greet(&self) -> &'static str;
    }

    struct English;

    impl Greeter for English {
        fn greet(&self) -> &'static str {
            "hello"
        }
    }

    #[test]
    fn a_provided_service_is_found_by_its_trait() {
        let services = Services::new().provide::<dyn Greeter>(Arc::new(English));
        assert_eq!(services.get::<dyn Greeter>().unwrap().greet(), "hello");
        assert!(services.missing(&[required::<dyn Greeter>()]).is_empty());
        assert!(services.checked(&[required::<dyn Greeter>()]).is_ok());
    }

    #[test]
    fn a_missing_service_is_an_internal_error_and_named_as_missing() {
        let services = Services::new();
        let err = services
            .get::<dyn Greeter>()
            .err()
            .expect("nothing provided");
        assert_eq!(err.status(), 500);
        let missing = services.missing(&[required::<dyn Greeter>()]);
        assert_eq!(missing.len(), 1);
        assert!(missing[0].ends_with("Greeter"), "{missing:?}");
        let stop = services
            .checked(&[required::<dyn Greeter>()])
            .err()
            .expect("nothing provided");
        assert!(
            stop.starts_with("no ") && stop.contains("Greeter was provided"),
            "{stop}"
        );
    }
}
