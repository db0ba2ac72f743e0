//! Service configuration read from the environment.

use std::env;
use std::time::Duration;

/// Settings every service reads at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub database_url: String,
    pub timeout: Duration,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let port = env::var("PORT").unwrap_or_else(|_| "8080".to_string());
        Ok(Config {
            port: port.parse().map_err(|e| format!("bad PORT: {e}"))?,
            database_url: env::var("DATABASE_URL").map_err(|_| "DATABASE_URL missing".to_string())?,
            timeout: Duration::from_millis(1500),
        })
    }
}

pub trait Healthy {
    fn healthy(&self) -> bool;
}

enum Mode { Dev, Prod }

macro_rules! require {
    ($e:expr) => { $e.expect("required") };
}
