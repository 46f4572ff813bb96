// What every part of the page shares: who is looking, and the one way the page asks the console anything.

function meta(name) {
  return document.querySelector('meta[name="' + name + '"]').content;
}

export const token = meta('closedloop-token');
// A viewer's page has no controls (the console refuses a viewer's commands anyway).
export const mayCommand = meta('closedloop-role') === 'operator';
// A blinded console (a blinded study) shows nothing that tells a rig's condition; the console refuses it anyway.
export const blind = meta('closedloop-blind') === 'true';

// A request that did not give the page an answer it can use, said in words for the person at the rig.
export class ConsoleProblem extends Error {}

// Every request of the page: the token on every POST, the status looked at before the body. The console answers
// JSON, with an `error` when it refuses; a login that has ended and an answer that is not JSON become a ConsoleProblem.
export async function request(path, { method = 'GET', body } = {}) {
  let response;
  try {
    response = await fetch(path, method === 'GET' ? {} : { method, headers: { 'X-ClosedLoop-Token': token }, body });
  } catch (error) {
    throw new ConsoleProblem('the console did not answer (' + error.message + ')');
  }
  if (response.status === 401) {
    throw new ConsoleProblem('your login has ended: reload the page to log in again');
  }
  let answer;
  try {
    answer = await response.json();
  } catch {
    throw new ConsoleProblem('the console answered ' + response.status + ' without a reason');
  }
  if (!response.ok && (answer === null || typeof answer !== 'object')) {
    throw new ConsoleProblem('the console answered ' + response.status);
  }
  return answer;
}

// The words for a failed request, whatever failed.
export function problemText(error) {
  return error instanceof ConsoleProblem ? error.message : 'the page failed: ' + error;
}
