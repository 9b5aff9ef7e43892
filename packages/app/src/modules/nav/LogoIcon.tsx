import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 28, height: 28, flexShrink: 0 },
});

/** The portal's mark: a paved road (golden path) through a gate. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 32 32"
      role="img"
      aria-label="Platform Portal"
    >
      <rect x="2" y="4" width="6" height="24" rx="2" fill="#4fc3c9" />
      <rect x="24" y="4" width="6" height="24" rx="2" fill="#4fc3c9" />
      <path d="M10 28 L14 8 H18 L22 28 Z" fill="#f2a541" />
      <path
        d="M15.4 12 h1.2 v3 h-1.2z M15.2 18 h1.6 v3.5 h-1.6z"
        fill="#0d2b36"
      />
    </svg>
  );
};
