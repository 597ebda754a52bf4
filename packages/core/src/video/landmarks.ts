import type { Face, FaceLandmarks } from "../face/detect.js";

/** Smallest share of a new detection mixed in per frame (heavy smoothing when a face is still). */
const MIN_ALPHA = 0.2;
/** Landmark motion, in eye distances per frame, at which a face follows its detection at once. */
const FOLLOW_MOTION = 0.2;

/**
 * Smooths face landmarks over time so pasted faces don't jitter. Each face is tracked from
 * frame to frame (matched to the nearest previous face by nose position) and its landmarks
 * follow the detections through an adaptive exponential filter: detector jitter (a few
 * percent of the eye distance) is averaged away, real motion passes through with little
 * lag because the mixing weight grows with the motion. `reset()` at a cut.
 */
export class FaceSmoother {
  private tracks: Face[] = [];

  /** Returns the frame's faces with smoothed landmarks (boxes follow the landmarks' shift). */
  push(faces: readonly Face[]): Face[] {
    const unused = new Set(this.tracks);
    const next = faces.map((face) => {
      const track = nearest(face, unused);
      if (!track) return face;
      unused.delete(track);
      return smooth(track, face);
    });
    this.tracks = next;
    return next.map(cloneFace);
  }

  reset(): void {
    this.tracks = [];
  }
}

function nearest(face: Face, tracks: Set<Face>): Face | undefined {
  const limit = eyeDistance(face.landmarks) * 1.5;
  let best: Face | undefined;
  let bestDistance = limit;
  for (const track of tracks) {
    const d = distance(track.landmarks[2], face.landmarks[2]);
    if (d < bestDistance) [best, bestDistance] = [track, d];
  }
  return best;
}

function smooth(track: Face, face: Face): Face {
  const motion = face.landmarks.reduce((sum, p, i) => sum + distance(p, track.landmarks[i]), 0) / 5;
  const alpha = Math.min(1, Math.max(MIN_ALPHA, motion / (FOLLOW_MOTION * eyeDistance(face.landmarks))));
  const landmarks = face.landmarks.map(([x, y], i) => {
    const [px, py] = track.landmarks[i];
    return [px + alpha * (x - px), py + alpha * (y - py)];
  }) as FaceLandmarks;
  const [dx, dy] = [landmarks[2][0] - face.landmarks[2][0], landmarks[2][1] - face.landmarks[2][1]];
  return { ...face, landmarks, box: { ...face.box, x: face.box.x + dx, y: face.box.y + dy } };
}

function eyeDistance(l: FaceLandmarks): number {
  return Math.max(1, distance(l[0], l[1]));
}

function distance([ax, ay]: readonly number[], [bx, by]: readonly number[]): number {
  return Math.hypot(ax - bx, ay - by);
}

function cloneFace(face: Face): Face {
  return { box: { ...face.box }, score: face.score, landmarks: face.landmarks.map(([x, y]) => [x, y]) as FaceLandmarks };
}
