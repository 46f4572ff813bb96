// The rigs as the console last reported them (/api/stream): every part of the page reads a rig's state here, and
// hears of each new snapshot and each rig seen for the first time.

const latest = new Map();
const snapshotListeners = [];
const newRigListeners = [];

export function onSnapshot(listener) {
  snapshotListeners.push(listener);
}

export function onNewRig(listener) {
  newRigListeners.push(listener);
}

export function rigNamed(rig) {
  return latest.get(rig);
}

export function rigNames() {
  return [...latest.keys()];
}

export function takeSnapshot(snapshot) {
  const fresh = [];
  for (const rig of snapshot.rigs) {
    if (!latest.has(rig.rig)) {
      fresh.push(rig.rig);
    }
    latest.set(rig.rig, rig);
  }
  for (const listener of snapshotListeners) {
    listener(snapshot);
  }
  for (const rig of fresh) {
    for (const listener of newRigListeners) {
      listener(rig);
    }
  }
}
