// The blind A/B page (docs/evaluation.md): fetch a pair, play A and B, send the vote, show who was who and the
// ratings. No names reach the page before the vote: the audio comes by an opaque pair id.
'use strict';

let pair = null;

function $(id) {
  return document.getElementById(id);
}

function setButtons(enabled) {
  for (const id of ['vote-a', 'vote-b', 'vote-tie']) {
    $(id).disabled = !enabled;
  }
}

async function json(response) {
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.error || response.status);
  }
  return body;
}

async function nextPair() {
  setButtons(false);
  pair = await json(await fetch('api/pair'));
  $('text').textContent = pair.text;
  $('audio-a').src = pair.a;
  $('audio-b').src = pair.b;
  setButtons(true);
}

async function vote(winner) {
  if (!pair) {
    return;
  }
  setButtons(false);
  const sent = pair;
  pair = null;
  const result = await json(await fetch('api/vote', {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({pair: sent.pair, winner}),
  }));
  const said = winner === 'tie' ? 'a tie' : (winner.toUpperCase() + ' better');
  $('result').textContent = 'You chose ' + said + '. A was ' + result.a + ', B was ' + result.b + '. Votes: '
      + result.votes + '.';
  await showRatings();
  await nextPair();
}

async function showRatings() {
  const table = await json(await fetch('api/ratings'));
  const body = $('ratings').tBodies[0];
  body.replaceChildren();
  for (const r of table.ratings) {
    const row = body.insertRow();
    const cells = [r.system, r.rating.toFixed(0), r.low.toFixed(0) + ' to ' + r.high.toFixed(0), r.wins, r.losses,
      r.ties];
    for (const value of cells) {
      row.insertCell().textContent = value;
    }
  }
  $('votes').textContent = table.votes + ' votes';
}

function fail(error) {
  $('result').textContent = 'Error: ' + error.message;
}

document.addEventListener('DOMContentLoaded', () => {
  $('vote-a').addEventListener('click', () => vote('a').catch(fail));
  $('vote-b').addEventListener('click', () => vote('b').catch(fail));
  $('vote-tie').addEventListener('click', () => vote('tie').catch(fail));
  document.addEventListener('keydown', (e) => {
    const actions = {a: () => vote('a'), b: () => vote('b'), t: () => vote('tie'),
      1: () => $('audio-a').play(), 2: () => $('audio-b').play()};
    if (actions[e.key] && !e.repeat) {
      Promise.resolve(actions[e.key]()).catch(fail);
    }
  });
  showRatings().then(nextPair).catch(fail);
});
