//! The in-memory dog store shared by the dog handlers, created on first use like a client in a Lambda's init phase.
//! Thread-safe: the emulator runs invocations concurrently.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

/// A dog.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Dog {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its breed.
    pub breed: String,
    /// Age in years.
    pub age: u32,
}

/// The fields a client sends to create or replace a dog.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDog {
    /// Its name.
    pub name: String,
    /// Its breed.
    pub breed: String,
    /// Age in years.
    #[serde(default)]
    pub age: u32,
}

/// Dogs by id, plus the next id to hand out.
#[derive(Debug)]
pub struct Dogs {
    /// Every dog.
    pub by_id: BTreeMap<u64, Dog>,
    next_id: u64,
}

impl Dogs {
    /// Adds a dog and returns it with its new id.
    pub fn insert(&mut self, new: NewDog) -> Dog {
        self.next_id += 1;
        let dog = Dog { id: self.next_id, name: new.name, breed: new.breed, age: new.age };
        self.by_id.insert(dog.id, dog.clone());
        dog
    }
}

static DOGS: LazyLock<Mutex<Dogs>> = LazyLock::new(|| {
    let mut dogs = Dogs { by_id: BTreeMap::new(), next_id: 0 };
    dogs.insert(NewDog { name: "Rex".into(), breed: "German Shepherd".into(), age: 4 });
    dogs.insert(NewDog { name: "Fido".into(), breed: "Beagle".into(), age: 2 });
    Mutex::new(dogs)
});

/// Locks the dog store (a poisoned lock is recovered: the data is plain values).
pub fn dogs() -> MutexGuard<'static, Dogs> {
    DOGS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
