// The API key lives in sessionStorage: it survives a reload but dies with the tab, so a shared
// watch-floor workstation does not keep an officer signed in after the tab is closed.

const KEY = "seawarden.apiKey";

export function getKey() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled by policy: the officer signs in on every load
  }
}

export function setKey(key) {
  try {
    sessionStorage.setItem(KEY, key);
  } catch {
    /* storage disabled: the key stays only in memory via the API client */
  }
}

export function clearKey() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* nothing stored */
  }
}
