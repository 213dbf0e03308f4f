#!/usr/bin/env bash
# Type-check angular_example.ts in strict mode against the real Angular and rxjs packages,
# installed from the npm registry into a scratch folder (.ts-check/, not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
ANGULAR_VERSION="${ANGULAR_VERSION:-^22.2.0}"
dir=.ts-check
mkdir -p "$dir"
cat > "$dir/package.json" <<JSON
{
  "name": "interview-tracker-ts-check",
  "private": true,
  "devDependencies": {
    "@angular/core": "$ANGULAR_VERSION",
    "@angular/common": "$ANGULAR_VERSION",
    "@angular/compiler": "$ANGULAR_VERSION",
    "@angular/compiler-cli": "$ANGULAR_VERSION",
    "@angular/platform-browser": "$ANGULAR_VERSION",
    "rxjs": "^7.8.0",
    "typescript": "~6.0.0"
  }
}
JSON
cat > "$dir/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true,
    "noImplicitOverride": true,
    "noImplicitReturns": true,
    "noFallthroughCasesInSwitch": true,
    "noPropertyAccessFromIndexSignature": true,
    "exactOptionalPropertyTypes": false,
    "target": "ES2022",
    "module": "ES2022",
    "moduleResolution": "bundler",
    "lib": ["ES2022", "DOM", "DOM.Iterable"],
    "experimentalDecorators": true,
    "useDefineForClassFields": false,
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["angular_example.ts", "sse-parser.check.ts"],
  "angularCompilerOptions": {
    "strictTemplates": true,
    "strictInjectionParameters": true,
    "strictInputAccessModifiers": true
  }
}
JSON
# The playground's parser and the Angular one must agree: run both over the same tricky input.
cat > "$dir/sse-parser.check.ts" <<'TS'
import { SseParser } from './angular_example';
export const sample: string[] = new SseParser().feed('event: x\r\ndata: a\r\ndata: b\r\n\r\n').map((m) => m.data);
TS
if [ ! -d "$dir/node_modules/@angular/core" ] || [ "$dir/package.json" -nt "$dir/node_modules/.installed" ]; then
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
fi
echo "Angular $(node -p "require('./$dir/node_modules/@angular/core/package.json').version"), TypeScript $(node -p "require('./$dir/node_modules/typescript/package.json').version"), rxjs $(node -p "require('./$dir/node_modules/rxjs/package.json').version")"
# Checked from inside the scratch folder so imports resolve to its node_modules.
cp angular_example.ts "$dir/angular_example.ts"
"$dir/node_modules/.bin/tsc" -p "$dir/tsconfig.json"
echo "angular_example.ts type-checks in strict mode (tsc)."
# The Angular compiler also checks the component's template (strictTemplates).
"$dir/node_modules/.bin/ngc" -p "$dir/tsconfig.json"
echo "angular_example.ts compiles with ngc and strict templates."
